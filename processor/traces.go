package processor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// processTraces enriches span attributes and span-event attributes. Span
// events fall back to their span, then the resource, for vendor hints.
func (p *catalogProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	var b batch
	st := p.newBatch(ctx, signalTraces, &b)
	if st == nil {
		return td, nil
	}
	spanStatus := p.cfg.SpanStatus
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		h := hints{resource: rs.Resource().Attributes()}
		b.sc.res = resourceHints{}
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				attrs := span.Attributes()
				// The status fallback waits for the events: a code on one
				// of them is a code found for the call.
				r := st.enrichRecord(attrs, nil, &h, &b, false)
				events := span.Events()
				eventCode := false
				if events.Len() > 0 {
					eh := hints{span: attrs, hasSpan: true, resource: h.resource}
					for e := 0; e < events.Len(); e++ {
						if er := st.enrich(events.At(e).Attributes(), &eh, &b); er.entry != nil {
							eventCode = true
						}
					}
				}
				if r.outcome == outcomeNone && !eventCode && st.statusFallback {
					r = st.enrichStatus(attrs, &h, &b)
				}
				if spanStatus && r.entry != nil {
					markSpan(span, r.entry)
				}
			}
		}
	}
	b.flush()
	return td, nil
}

// markSpan sets the span's status to Error, with the entry's name as
// message, when the entry is at least an error and the span's status is
// Unset. A status set by instrumentation is never changed, and a success is
// never marked. Only the span's own code marks it: an event may record a
// failure the span recovered from (a retried call).
func markSpan(span ptrace.Span, e *catalog.Entry) {
	if e.Severity < catalog.SeverityError || e.Category == catalog.CategorySuccess {
		return
	}
	status := span.Status()
	if status.Code() != ptrace.StatusCodeUnset {
		return
	}
	status.SetCode(ptrace.StatusCodeError)
	status.SetMessage(e.Name)
}
