/** Every table the migrations create has its entity here (test/integration/schema.spec.ts checks both agree). */
import { Announcement } from "./announcement";
import { AnnouncementRecipient } from "./announcement-recipient";
import { AuditEvent } from "./audit-event";
import { CannedReply } from "./canned-reply";
import { ChannelIdentity } from "./channel-identity";
import { DeadLetter } from "./dead-letter";
import { EvidenceCheckpoint } from "./evidence-checkpoint";
import { EvidenceHash } from "./evidence-hash";
import { FaqEntry } from "./faq-entry";
import { FaqRating } from "./faq-rating";
import { FaqVersion } from "./faq-version";
import { Conversation } from "./conversation";
import { InboundFailure } from "./inbound-failure";
import { Media } from "./media";
import { Message } from "./message";
import { Patron } from "./patron";
import { ReminderPreference } from "./reminder-preference";
import { ReminderSent } from "./reminder-sent";
import { RenewalIntent } from "./renewal-intent";
import { ServiceException } from "./service-exception";
import { ServiceWeek } from "./service-week";
import { StaffNote } from "./staff-note";
import { StaffSession } from "./staff-session";
import { StaffUser } from "./staff-user";

export {
  Announcement,
  AnnouncementRecipient,
  AuditEvent,
  CannedReply,
  ChannelIdentity,
  Conversation,
  DeadLetter,
  EvidenceCheckpoint,
  EvidenceHash,
  FaqEntry,
  FaqRating,
  FaqVersion,
  InboundFailure,
  Media,
  Message,
  Patron,
  ReminderPreference,
  ReminderSent,
  RenewalIntent,
  ServiceException,
  ServiceWeek,
  StaffNote,
  StaffSession,
  StaffUser,
};
export const ENTITIES = [
  Patron,
  ChannelIdentity,
  Conversation,
  Message,
  StaffUser,
  StaffSession,
  StaffNote,
  CannedReply,
  AuditEvent,
  DeadLetter,
  InboundFailure,
  RenewalIntent,
  Media,
  EvidenceHash,
  EvidenceCheckpoint,
  ReminderPreference,
  ReminderSent,
  Announcement,
  AnnouncementRecipient,
  ServiceWeek,
  ServiceException,
  FaqEntry,
  FaqVersion,
  FaqRating,
];
