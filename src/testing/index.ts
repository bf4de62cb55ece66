/** qianfan-console/testing: stubs for a client's calls, and matchers to check them (docs/testing.md). */
export { mockClient, type ClientStub, type StubRule, type StubbedCall, type StubbedFailure, type BodyMatcher } from './stub.js';
export { qianfanMatchers, type QianfanMatchers } from './matchers.js';
