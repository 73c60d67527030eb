'use client';

// The ledger's chain check (verifyAuditChain): "Verified: N entries" or "Broken at seq N: reason".
import { useVerifyAuditChain } from '../queries/audit';

export function AuditChainStatus() {
  const chain = useVerifyAuditChain();
  const report = chain.data;
  return (
    <section className="panel audit-chain" aria-labelledby="audit-chain-title" aria-busy={chain.isFetching}>
      <h2 id="audit-chain-title">Chain status</h2>
      <div role="status">
        {chain.isFetching && <p>Verifying the hash chain…</p>}
        {!chain.isFetching && chain.error && (
          <p className="error" role="alert">
            {chain.error.message}
          </p>
        )}
        {!chain.isFetching && report?.ok && (
          <p className="chain-ok">
            <span aria-hidden="true">✓ </span>Verified: {report.checked} {report.checked === 1 ? 'entry' : 'entries'}
          </p>
        )}
        {!chain.isFetching && report && !report.ok && (
          <p className="chain-bad">
            <span aria-hidden="true">✗ </span>Broken at seq {report.firstBrokenSeq ?? '?'}: {report.reason ?? 'no reason given'}
          </p>
        )}
      </div>
      {report?.headSeq && (
        <p className="muted small">
          Head at the check: seq {report.headSeq}, hash <code>{report.headHash}</code>. Keep it to detect a cut tail later.
        </p>
      )}
      <button type="button" className="button button-quiet button-small" disabled={chain.isFetching} onClick={() => void chain.refetch()}>
        Verify again
      </button>
    </section>
  );
}
