/** The roles of the access policy: viewer reads; operator runs the everyday verbs; admin runs everything; approver approves requests. */
export const ROLES = ['viewer', 'operator', 'admin', 'approver'] as const;
export type Role = (typeof ROLES)[number];
