/**
 * The center's plain vocabulary: the fixed lists that events, snapshot, server and screens share.
 * No dependencies (in particular no zod), so the browser can import these lists without pulling the
 * event schemas into its bundle. shared/events.ts re-exports them; docs/glossary.md names them.
 */

/** Ticket categories (工单分类, 第十二条), in display order. */
export const CATEGORIES = [
  'city_order',
  'sanitation',
  'landscaping',
  'municipal',
  'illegal_construction',
  'gas_heating',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What kind of request a ticket records. */
export const TICKET_KINDS = ['complaint', 'consultation', 'suggestion', 'praise', 'out_of_scope', 'harassment'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** An incident's severity (重大紧急信息): urgent 紧急, major 重大. */
export const SEVERITIES = ['urgent', 'major'] as const;
export type IncidentSeverity = (typeof SEVERITIES)[number];

/** Who uses the system: a wall display 大屏, the shift lead 值班长, the center director 中心主任, the administrator 管理员. */
export const ROLES = ['wall', 'lead', 'director', 'admin'] as const;
export type Role = (typeof ROLES)[number];
