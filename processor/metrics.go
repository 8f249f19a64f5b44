package processor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// processMetrics enriches the data-point attributes of every metric type:
// gauge, sum, histogram, exponential histogram and summary.
func (p *catalogProcessor) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	var b batch
	st := p.newBatch(ctx, signalMetrics, &b)
	if st == nil {
		return md, nil
	}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		h := hints{resource: rm.Resource().Attributes()}
		b.sc.res = resourceHints{}
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				st.enrichMetric(ms.At(k), &h, &b)
			}
		}
	}
	b.flush()
	return md, nil
}

func (s *state) enrichMetric(m pmetric.Metric, h *hints, b *batch) {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		s.enrichNumberPoints(m.Gauge().DataPoints(), h, b)
	case pmetric.MetricTypeSum:
		s.enrichNumberPoints(m.Sum().DataPoints(), h, b)
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			s.enrich(dps.At(i).Attributes(), h, b)
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			s.enrich(dps.At(i).Attributes(), h, b)
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			s.enrich(dps.At(i).Attributes(), h, b)
		}
	}
}

func (s *state) enrichNumberPoints(dps pmetric.NumberDataPointSlice, h *hints, b *batch) {
	for i := 0; i < dps.Len(); i++ {
		s.enrich(dps.At(i).Attributes(), h, b)
	}
}
