package processor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// processLogs enriches log-record attributes.
func (p *catalogProcessor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	var b batch
	st := p.newBatch(ctx, signalLogs, &b)
	if st == nil {
		return ld, nil
	}
	raise := p.cfg.LogSeverity
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		h := hints{resource: rl.Resource().Attributes()}
		b.sc.res = resourceHints{}
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			records := sls.At(j).LogRecords()
			for k := 0; k < records.Len(); k++ {
				lr := records.At(k)
				body := lr.Body()
				r := st.enrichRecord(lr.Attributes(), &body, &h, &b, true)
				if raise && r.entry != nil {
					raiseSeverity(lr, r.entry.Severity)
				}
			}
		}
	}
	b.flush()
	return ld, nil
}

// raiseSeverity raises the record's SeverityNumber and SeverityText to the
// entry's severity when the record's is lower; it never lowers one.
func raiseSeverity(lr plog.LogRecord, s catalog.Severity) {
	n := plog.SeverityNumber(s.Number())
	if n == plog.SeverityNumberUnspecified || lr.SeverityNumber() >= n {
		return
	}
	lr.SetSeverityNumber(n)
	lr.SetSeverityText(s.Text())
}
