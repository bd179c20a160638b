/** The audit key tests sign with; made for the tests, never used anywhere else. */
export const TEST_AUDIT_KEY_TEXT = 'lienthong-tests-audit-key-0123456789abcdef';
export const TEST_AUDIT_KEY = Buffer.from(TEST_AUDIT_KEY_TEXT, 'utf8');
