// Reads, checks and exports the audit ledger (permissions audit.read and audit.export).
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { actorRef, type Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { dateInputMessage, parseStorableDate } from '../../shared/date-input.js';
import { unstorableTextReason } from '../../shared/unstorable-text.js';
import { encodeCursor, parsePageArgs, type PageArgs, type PageInfo } from '../../shared/relay-pagination.js';
import { AuditChainWalker, type ChainedAuditEntry } from './audit-chain.js';
import {
  AUDIT_EXPORT_CONTENT_TYPES,
  AUDIT_EXPORT_FORMATS,
  writeAuditExport,
  type AuditExportFormat,
} from './audit-export-format.js';
import { auditFilterToJson, isEmptyAuditFilter, type AuditFilter } from './audit-filter.js';
import { toChainedEntry, type AuditRepository, type SeqOrder } from './audit.repository.js';

/** Filter fields as they arrive from GraphQL or a query string (times as ISO-8601 strings). */
/**
 * A text filter: the database compares it, so text it cannot hold (NUL, a lone surrogate; GET
 * /api/audit/export's query string passes the input guard by) is refused before the export starts.
 */
const filterText = z
  .string()
  .min(1)
  .refine((v) => unstorableTextReason(v) === null, 'it must not contain a NUL character or a lone surrogate');

export const auditFilterInputSchema = z.object({
  from: z.iso.datetime({ offset: true }).refine((v) => parseStorableDate(v) !== null, dateInputMessage('from')).nullish(),
  to: z.iso.datetime({ offset: true }).refine((v) => parseStorableDate(v) !== null, dateInputMessage('to')).nullish(),
  actor: filterText.nullish(),
  action: filterText.nullish(),
  subject: filterText.nullish(),
  galleryId: filterText.nullish(),
});
export type AuditFilterInput = z.input<typeof auditFilterInputSchema>;

/** A page of auditLog. */
export interface AuditEntryPage {
  edges: Array<{ node: ChainedAuditEntry; cursor: string }>;
  pageInfo: PageInfo;
  totalCount: number;
}

/** What verifyAuditChain answers. */
export interface AuditChainReport {
  ok: boolean;
  checked: number;
  firstBrokenSeq: string | null;
  reason: string | null;
  headSeq: string | null;
  headHash: string | null;
}

/** An export ready to stream: the file's chunks, ending with the manifest. */
export interface AuditExport {
  contentType: string;
  filename: string;
  chunks: AsyncIterable<string>;
}

/** Tuning; tests shrink the batch to cross batch boundaries with few rows. */
export interface AuditServiceOptions {
  /** Rows per database round trip when walking or exporting the ledger. */
  batchSize?: number;
  now?: () => Date;
  logger?: Logger;
}

/** The largest seq the ledger's bigint column holds. */
const MAX_SEQ = 2n ** 63n - 1n;

function parseSeqKey(value: unknown): bigint | null {
  if (!Array.isArray(value) || value.length !== 1) return null;
  const [seq] = value as unknown[];
  // A seq is a PostgreSQL bigint: 19 digits can still be past its largest value.
  return typeof seq === 'string' && /^[0-9]{1,19}$/.test(seq) && BigInt(seq) <= MAX_SEQ ? BigInt(seq) : null;
}

/** Validates filter input and converts its times; throws BAD_INPUT naming the field. */
export function parseAuditFilter(input: AuditFilterInput | null | undefined): AuditFilter {
  const parsed = auditFilterInputSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'filter';
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `The filter field "${field}" is invalid: ${issue?.message ?? ''}. Times are ISO-8601 with a zone, such as 2026-01-31T00:00:00Z.`,
      { field },
    );
  }
  const { from, to, actor, action, subject, galleryId } = parsed.data;
  const filter: AuditFilter = {
    from: from ? new Date(from) : undefined,
    to: to ? new Date(to) : undefined,
    actor: actor ?? undefined,
    action: action ?? undefined,
    subject: subject ?? undefined,
    galleryId: galleryId ?? undefined,
  };
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new AppError(ErrorCode.BAD_INPUT, 'The filter\'s "from" must be before its "to".', {
      field: 'from',
    });
  }
  return filter;
}

export class AuditService {
  private readonly batchSize: number;
  private readonly now: () => Date;
  private readonly logger: Logger;

  constructor(
    private readonly repository: AuditRepository,
    options: AuditServiceOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? pino({ enabled: false });
  }

  /** One page of the ledger; totalCount costs a count query, so it is only run when asked for. */
  async listEntries(
    actor: Actor,
    args: PageArgs & { filter?: AuditFilter; order?: SeqOrder; withTotalCount?: boolean },
  ): Promise<AuditEntryPage> {
    authorize(actor, 'audit.read');
    const page = parsePageArgs(args, parseSeqKey);
    const filter = args.filter ?? {};
    const order = args.order ?? 'desc';
    const isForward = page.direction === 'forward';
    const [rows, totalCount] = await Promise.all([
      this.repository.findBatch({
        filter,
        afterSeq: page.cursor ?? undefined,
        // Backward pages read away from the cursor in the opposite order, then turn around.
        order: isForward ? order : order === 'asc' ? 'desc' : 'asc',
        limit: page.size + 1,
      }),
      args.withTotalCount ? this.repository.count(filter) : Promise.resolve(0),
    ]);
    const hasMore = rows.length > page.size;
    const kept = rows.slice(0, page.size);
    if (!isForward) kept.reverse();
    const edges = kept.map((row) => {
      const node = toChainedEntry(row);
      return { node, cursor: encodeCursor([node.seq]) };
    });
    return {
      edges,
      pageInfo: {
        hasNextPage: isForward ? hasMore : page.cursor !== null,
        hasPreviousPage: isForward ? page.cursor !== null : hasMore,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount,
    };
  }

  /**
   * Walks the ledger from seq 1 to the head as it was when the walk began, in batches. An anchor
   * (a seq and the hash it had, kept from an earlier report or export) must still be there.
   */
  async verifyChain(actor: Actor, anchor?: { seq: string; hash: string }): Promise<AuditChainReport> {
    authorize(actor, 'audit.read');
    if (anchor && (!/^[1-9][0-9]{0,18}$/.test(anchor.seq) || !/^[0-9a-f]{64}$/.test(anchor.hash))) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'The anchor is a seq (a positive integer) and its 64-character hex hash, both from an earlier report or export.',
        { field: 'anchorSeq' },
      );
    }
    const head = await this.repository.findHead();
    const walker = new AuditChainWalker('fromGenesis');
    let anchorHashFound: string | undefined;
    if (head) {
      for await (const batch of this.batches({}, head.seq)) {
        for (const entry of batch) {
          if (walker.accept(entry)) break;
          if (entry.seq === anchor?.seq) anchorHashFound = entry.hash;
        }
        if (walker.firstBreak) break;
      }
      if (!walker.firstBreak && walker.head?.seq !== head.seq.toString()) {
        // Rows vanished at the end while walking; report the first one no longer there.
        const missing = (BigInt(walker.head?.seq ?? '0') + 1n).toString();
        return this.report(
          walker.checked,
          { seq: missing, reason: `entry ${missing} is missing: rows were deleted` },
          head,
        );
      }
    }
    if (!walker.firstBreak && anchor && anchorHashFound !== anchor.hash) {
      const reason =
        anchorHashFound === undefined
          ? `entry ${anchor.seq} (the anchor) is missing: entries were deleted from the end of the ledger`
          : `entry ${anchor.seq} no longer has the anchor's hash: the ledger was rewritten up to there, or the anchor is from another ledger`;
      return this.report(walker.checked, { seq: anchor.seq, reason }, head);
    }
    return this.report(walker.checked, walker.firstBreak, head);
  }

  private report(
    checked: number,
    broken: { seq: string; reason: string } | null,
    head: { seq: bigint; hash: string } | null,
  ): AuditChainReport {
    return {
      ok: broken === null,
      checked,
      firstBrokenSeq: broken?.seq ?? null,
      reason: broken?.reason ?? null,
      headSeq: head?.seq.toString() ?? null,
      headHash: head?.hash ?? null,
    };
  }

  /**
   * Records the export in the ledger, then returns the file as a stream of chunks: the rows
   * matching `filter` up to and including that export entry, then the manifest.
   */
  async startExport(
    actor: Actor,
    request: { format: AuditExportFormat; filter: AuditFilter },
  ): Promise<AuditExport> {
    authorize(actor, 'audit.export');
    if (!AUDIT_EXPORT_FORMATS.includes(request.format)) {
      throw new AppError(ErrorCode.BAD_INPUT, `"format" must be one of ${AUDIT_EXPORT_FORMATS.join(', ')}.`, {
        field: 'format',
      });
    }
    const filter = auditFilterToJson(request.filter);
    const exportedAt = this.now();
    const exportedBy = actorRef(actor);
    const recorded = await this.repository.appendAlone({
      actor: exportedBy,
      action: 'audit.export',
      subject: 'audit:ledger',
      payload: { format: request.format, filter },
    });
    const stamp = exportedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const filename = `faceledger-audit-${stamp}.${request.format}`;
    const chunks = writeAuditExport(request.format, this.batches(request.filter, recorded.seq), {
      exportedAt: exportedAt.toISOString(),
      exportedBy,
      exportSeq: recorded.seq.toString(),
      throughSeq: recorded.seq.toString(),
      filter,
      complete: isEmptyAuditFilter(request.filter),
    });
    return {
      contentType: AUDIT_EXPORT_CONTENT_TYPES[request.format],
      filename,
      chunks: this.logged(chunks, filename),
    };
  }

  /** Passes the chunks through, logging whether the export was sent whole or abandoned. */
  private async *logged(chunks: AsyncIterable<string>, filename: string): AsyncGenerator<string> {
    const started = Date.now();
    let isComplete = false;
    try {
      yield* chunks;
      isComplete = true;
    } catch (error) {
      this.logger.error({ err: error, filename }, 'audit export failed');
      throw error;
    } finally {
      const fields = { filename, ms: Date.now() - started };
      if (isComplete) this.logger.info(fields, 'audit export sent');
      else this.logger.warn(fields, 'audit export abandoned before its manifest');
    }
  }

  /** Rows matching `filter` with seq <= throughSeq, ascending, one batch per query. */
  private async *batches(filter: AuditFilter, throughSeq: bigint): AsyncGenerator<ChainedAuditEntry[]> {
    let afterSeq: bigint | undefined;
    for (;;) {
      const rows = await this.repository.findBatch({
        filter,
        afterSeq,
        throughSeq,
        order: 'asc',
        limit: this.batchSize,
      });
      if (rows.length === 0) return;
      yield rows.map(toChainedEntry);
      if (rows.length < this.batchSize) return;
      afterSeq = rows[rows.length - 1]!.seq;
    }
  }
}
