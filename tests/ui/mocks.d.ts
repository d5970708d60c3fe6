// The mocked backend's types: the command table generated from Rust (ui/src/bindings/commands.ts)
// over the types generated beside it. `npm run ui:check` checks every mock in tests/ui/
// against them, so a mock cannot answer in a shape the app would never get.
import type { Commands, Events } from '../../ui/src/bindings/commands';
import type { IpcError } from '../../ui/src/bindings/IpcError';

export type Name = keyof Commands;

/** A command answer that first streams `events` over the command's channel (see `stream`). */
export interface Streamed<R, E> {
  __stream: { events: E[]; delayMs: number; holdMs: number; value: R | null; error?: IpcError };
}

/** What a command answers: a command without a result answers null, as Tauri sends `()`. */
type Value<R> = [R] extends [void] ? null | void : R;
export type Answer<K extends Name> = Value<Commands[K]['result']> | Streamed<Value<Commands[K]['result']>, Commands[K]['event']>;
export type Mock<K extends Name> = (args: Commands[K]['args']) => Answer<K> | Promise<Answer<K>>;
/** A mocked backend: one function per command it answers. */
export type Mocks = { [K in Name]?: Mock<K> };

export type { Commands, Events, IpcError };
export type { AppSettings } from '../../ui/src/bindings/AppSettings';
export type { AuditEntry } from '../../ui/src/bindings/AuditEntry';
export type { Center } from '../../ui/src/bindings/Center';
export type { ConnectionReport } from '../../ui/src/bindings/ConnectionReport';
export type { DiagnosticEntry } from '../../ui/src/bindings/DiagnosticEntry';
export type { DeskPackage } from '../../ui/src/bindings/DeskPackage';
export type { ErrorCode } from '../../ui/src/bindings/ErrorCode';
export type { Guest } from '../../ui/src/bindings/Guest';
export type { HistoryLine } from '../../ui/src/bindings/HistoryLine';
export type { HubStatus } from '../../ui/src/bindings/HubStatus';
export type { HubUpdate } from '../../ui/src/bindings/HubUpdate';
export type { Invoice } from '../../ui/src/bindings/Invoice';
export type { InvoiceSummary } from '../../ui/src/bindings/InvoiceSummary';
export type { Package } from '../../ui/src/bindings/Package';
export type { PackageDetails } from '../../ui/src/bindings/PackageDetails';
export type { ProbeRow } from '../../ui/src/bindings/ProbeRow';
export type { RedeemableInfo } from '../../ui/src/bindings/RedeemableInfo';
export type { RedeemProgress } from '../../ui/src/bindings/RedeemProgress';
export type { RedemptionOutcome } from '../../ui/src/bindings/RedemptionOutcome';
export type { ClosingNotice } from '../../ui/src/bindings/ClosingNotice';
export type { SessionInfo } from '../../ui/src/bindings/SessionInfo';
export type { UpdateStatus } from '../../ui/src/bindings/UpdateStatus';
export type { CatalogEvent } from '../../ui/src/bindings/CatalogEvent';
