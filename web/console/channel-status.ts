/**
 * The channels' session state as admins see it (shared/channel-status.ts, written by the bot):
 * state, reason, pairing code, and the QR code drawn here as an SVG image (a data URL the page
 * shows in an <img>: no third-party service sees the code, and the CSP allows `data:` images).
 */
import QRCode from "qrcode";
import type { ChannelStatus } from "../../shared/channel-status";

export interface ChannelStatusView {
  channel: string;
  state: ChannelStatus["state"] | "no_report";
  since: string | null;
  reportedAt: string | null;
  reason: string | null;
  pairingCode: string | null;
  /** `data:image/svg+xml;base64,…` while the QR can be scanned */
  qrImage: string | null;
}

export async function channelStatusView(
  channel: string,
  status: ChannelStatus | null,
): Promise<ChannelStatusView> {
  if (!status)
    return {
      channel,
      state: "no_report",
      since: null,
      reportedAt: null,
      reason: null,
      pairingCode: null,
      qrImage: null,
    };
  const svg = status.qr ? await QRCode.toString(status.qr, { type: "svg", margin: 2 }) : null;
  return {
    channel,
    state: status.state,
    since: status.since,
    reportedAt: status.reportedAt,
    reason: status.reason ?? null,
    pairingCode: status.pairingCode ?? null,
    qrImage: svg ? `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` : null,
  };
}
