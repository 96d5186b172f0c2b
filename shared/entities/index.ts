import { AuditEvent } from "./audit-event";
import { ChannelIdentity } from "./channel-identity";
import { Conversation } from "./conversation";
import { Message } from "./message";
import { Patron } from "./patron";
import { StaffUser } from "./staff-user";

export { AuditEvent, ChannelIdentity, Conversation, Message, Patron, StaffUser };
export const ENTITIES = [Patron, ChannelIdentity, Conversation, Message, StaffUser, AuditEvent];
