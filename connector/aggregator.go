package connector

import (
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// Names of the output and its dimensions.
const (
	MetricName  = "errorcatalog.errors"
	metricUnit  = "{record}"
	scopeName   = "github.com/errorcatalog/errorcatalogprocessor/connector"
	otherValue  = "_other"
	instanceKey = "service.instance.id"
	serviceKey  = "service.name"
)

// The dimensions read from the enriched attributes, by their name after the
// prefix; signal is the kind of record.
var builtinDimensions = []string{"signal", "vendor", "category", "class", "severity", "name", "retryable"}

func isBuiltinDimension(n string) bool {
	for _, d := range builtinDimensions {
		if d == n {
			return true
		}
	}
	return n == serviceKey
}

// seriesKey is one series' dimension values; "" is an absent dimension.
// It is a comparable value, so counting an existing series is one map
// probe and no allocation.
type seriesKey struct {
	service, signal, vendor, category, class, severity, name, retryable string
	extra                                                               [MaxDimensions]string
}

type series struct {
	count     int64
	start     pcommon.Timestamp
	lastCount time.Time
	// exported is set once the series was exported.
	exported bool
}

// aggregator counts records into series. Its methods are safe for
// concurrent use.
type aggregator struct {
	cfg      *Config
	instance string
	bounds   *bounds

	mu       sync.Mutex
	series   map[seriesKey]*series
	services map[string]struct{}
	extras   [MaxDimensions]map[string]struct{}
	// lastFlush is the start of the current delta interval.
	lastFlush pcommon.Timestamp
	// collapsed counts values collapsed into "_other" since the last
	// flush, by dimension, and overflowed the records counted in the
	// overflow series.
	collapsed  map[string]int64
	overflowed int64
}

func newAggregator(cfg *Config, instance string, b *bounds) *aggregator {
	a := &aggregator{
		cfg: cfg, instance: instance, bounds: b,
		series:    map[seriesKey]*series{},
		services:  map[string]struct{}{},
		lastFlush: pcommon.NewTimestampFromTime(time.Now()),
		collapsed: map[string]int64{},
	}
	for i := range a.extras {
		a.extras[i] = map[string]struct{}{}
	}
	return a
}

// bounds are the closed sets the dimension values are checked against,
// each value mapped to the catalog's own string.
type bounds struct {
	vendors                         map[string]*vendorBounds
	categories, classes, severities map[string]string
}

type vendorBounds struct {
	id    string
	names map[string]string // entry name -> the catalog's string
}

func newBounds(cat *catalog.Catalog) *bounds {
	b := &bounds{vendors: map[string]*vendorBounds{}, categories: map[string]string{}, classes: map[string]string{}, severities: map[string]string{}}
	for _, c := range catalog.Categories() {
		b.categories[c.String()] = c.String()
	}
	for _, c := range catalog.Classes() {
		b.classes[c.String()] = c.String()
	}
	for _, sv := range catalog.Severities() {
		b.severities[sv.String()] = sv.String()
	}
	status := map[string]string{}
	for _, e := range catalog.StatusTable() {
		status[e.Name] = e.Name
	}
	for _, vc := range cat.Vendors {
		v := vc.Vendor
		vb := &vendorBounds{id: v.ID, names: map[string]string{}}
		for n := range status {
			vb.names[n] = n // the status fallback's names
		}
		for _, e := range vc.Entries {
			vb.names[e.Name] = e.Name
		}
		for _, e := range v.HTTPStatuses {
			vb.names[e.Name] = e.Name
		}
		b.vendors[v.ID] = vb
	}
	return b
}

// canonical returns the catalog's string for v when set has it, "_other"
// when v is something else, "" when absent.
func canonical(v pcommon.Value, ok bool, set map[string]string) string {
	if !ok {
		return ""
	}
	if v.Type() == pcommon.ValueTypeStr {
		if s, ok := set[v.Str()]; ok {
			return s
		}
	}
	return otherValue
}

// names are the attribute keys of one prefix, built once.
type names struct {
	category, vendor, class, severity, name, retryable string
}

func newNames(prefix string) names {
	return names{
		category: prefix + "category", vendor: prefix + "vendor", class: prefix + "class",
		severity: prefix + "severity", name: prefix + "name", retryable: prefix + "retryable",
	}
}

// key returns the series key of a record the processor enriched (attrs
// hold <prefix>category), or false. Every value is checked against the
// catalog's closed sets, so a forged value becomes "_other".
func (a *aggregator) key(n *names, attrs, resource pcommon.Map, signal string) (seriesKey, bool) {
	cat, ok := attrs.Get(n.category)
	if !ok {
		return seriesKey{}, false
	}
	k := seriesKey{signal: signal}
	k.category = canonical(cat, true, a.bounds.categories)
	cl, ok := attrs.Get(n.class)
	k.class = canonical(cl, ok, a.bounds.classes)
	sv, ok := attrs.Get(n.severity)
	k.severity = canonical(sv, ok, a.bounds.severities)
	var vb *vendorBounds
	if v, ok := attrs.Get(n.vendor); ok {
		k.vendor = otherValue
		if v.Type() == pcommon.ValueTypeStr {
			if vb = a.bounds.vendors[v.Str()]; vb != nil {
				k.vendor = vb.id
			}
		}
	}
	if v, ok := attrs.Get(n.name); ok {
		k.name = otherValue
		if vb != nil && v.Type() == pcommon.ValueTypeStr {
			if s, ok := vb.names[v.Str()]; ok {
				k.name = s
			}
		}
	}
	if v, ok := attrs.Get(n.retryable); ok {
		switch {
		case v.Type() != pcommon.ValueTypeBool:
			k.retryable = otherValue
		case v.Bool():
			k.retryable = "true"
		default:
			k.retryable = "false"
		}
	}
	if v, ok := resource.Get(serviceKey); ok && v.Type() == pcommon.ValueTypeStr {
		k.service = v.Str()
	}
	for i, d := range a.cfg.Dimensions {
		v, ok := attrs.Get(d.Name)
		if !ok {
			v, ok = resource.Get(d.Name)
		}
		if ok {
			k.extra[i] = v.AsString()
		}
	}
	return k, true
}

// add counts one record of series k.
func (a *aggregator) add(k seriesKey, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.addLocked(k, now)
}

// addLocked is add with a.mu held.
func (a *aggregator) addLocked(k seriesKey, now time.Time) {
	if s, ok := a.series[k]; ok {
		s.count++
		s.lastCount = now
		return
	}
	k = a.bound(k)
	if s, ok := a.series[k]; ok {
		s.count++
		s.lastCount = now
		return
	}
	if len(a.series) >= a.cfg.MaxSeries {
		a.overflowed++
		k = seriesKey{service: otherValue, signal: k.signal, vendor: otherValue, category: otherValue,
			class: otherValue, severity: otherValue, name: otherValue, retryable: otherValue}
		if s, ok := a.series[k]; ok {
			s.count++
			s.lastCount = now
			return
		}
	}
	a.series[k] = &series{count: 1, start: pcommon.NewTimestampFromTime(now), lastCount: now}
}

// len returns how many series the aggregator holds.
func (a *aggregator) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.series)
}

// putDims writes series k's dimensions, leaving out absent ones.
func (a *aggregator) putDims(attrs pcommon.Map, k seriesKey) {
	for _, kv := range [...]struct{ k, v string }{
		{"signal", k.signal}, {"vendor", k.vendor}, {"category", k.category}, {"class", k.class},
		{"severity", k.severity}, {"name", k.name}, {"retryable", k.retryable},
	} {
		if kv.v != "" {
			attrs.PutStr(kv.k, kv.v)
		}
	}
	for i, d := range a.cfg.Dimensions {
		if v := k.extra[i]; v != "" {
			attrs.PutStr(d.Name, v)
		}
	}
}

// bound applies the caps on the free-text dimensions of a new series and
// clones what the series keeps, so that it does not pin the batch.
func (a *aggregator) bound(k seriesKey) seriesKey {
	if k.service != "" {
		if _, ok := a.services[k.service]; !ok {
			if len(a.services) >= a.cfg.MaxServices {
				a.collapsed[serviceKey]++
				k.service = otherValue
			} else {
				k.service = strings.Clone(k.service)
				a.services[k.service] = struct{}{}
			}
		}
	}
	for i, d := range a.cfg.Dimensions {
		v := k.extra[i]
		if v == "" {
			continue
		}
		if _, ok := a.extras[i][v]; ok {
			continue
		}
		if len(a.extras[i]) >= d.MaxValues {
			a.collapsed[d.Name]++
			k.extra[i] = otherValue
			continue
		}
		k.extra[i] = strings.Clone(v)
		a.extras[i][k.extra[i]] = struct{}{}
	}
	return k
}

// flush returns the counter's points, and forgets what the temporality
// says to forget: counts (delta), and series idle for longer than the
// idle timeout (cumulative).
func (a *aggregator) flush(now time.Time) (pmetric.Metrics, map[string]int64, int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	md := pmetric.NewMetrics()
	ts := pcommon.NewTimestampFromTime(now)
	byService := map[string]pmetric.NumberDataPointSlice{}
	for k, s := range a.series {
		if a.cfg.Temporality == Cumulative && now.Sub(s.lastCount) > a.cfg.IdleTimeout {
			delete(a.series, k)
			continue
		}
		if a.cfg.Temporality == Delta && s.count == 0 {
			delete(a.series, k)
			continue
		}
		dps, ok := byService[k.service]
		if !ok {
			rm := md.ResourceMetrics().AppendEmpty()
			if k.service != "" {
				rm.Resource().Attributes().PutStr(serviceKey, k.service)
			}
			rm.Resource().Attributes().PutStr(instanceKey, a.instance)
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetName(scopeName)
			m := sm.Metrics().AppendEmpty()
			m.SetName(MetricName)
			m.SetUnit(metricUnit)
			m.SetDescription("Records the errorcatalog processor enriched, by service, signal, vendor, category, class, severity, name and retryable.")
			sum := m.SetEmptySum()
			sum.SetIsMonotonic(true)
			if a.cfg.Temporality == Delta {
				sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
			} else {
				sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
			}
			dps = sum.DataPoints()
			byService[k.service] = dps
		}
		if a.cfg.Temporality == Cumulative && !s.exported && s.start < ts {
			// A new cumulative series is first exported with a zero at its
			// start: without it, its first count is the series' first
			// sample, which Prometheus's increase() and rate() cannot see,
			// so a burst that fits in one flush would never fire an alert.
			zero := dps.AppendEmpty()
			zero.SetIntValue(0)
			zero.SetStartTimestamp(s.start)
			zero.SetTimestamp(s.start)
			a.putDims(zero.Attributes(), k)
		}
		s.exported = true
		dp := dps.AppendEmpty()
		dp.SetIntValue(s.count)
		dp.SetTimestamp(ts)
		if a.cfg.Temporality == Delta {
			dp.SetStartTimestamp(a.lastFlush)
			s.count = 0
		} else {
			dp.SetStartTimestamp(s.start)
		}
		a.putDims(dp.Attributes(), k)
	}
	// The caps count live values: values of expired series free their place.
	clear(a.services)
	for i := range a.extras {
		clear(a.extras[i])
	}
	for k := range a.series {
		if k.service != "" && k.service != otherValue {
			a.services[k.service] = struct{}{}
		}
		for i := range a.cfg.Dimensions {
			if v := k.extra[i]; v != "" && v != otherValue {
				a.extras[i][v] = struct{}{}
			}
		}
	}
	a.lastFlush = ts
	collapsed := a.collapsed
	a.collapsed = map[string]int64{}
	overflowed := a.overflowed
	a.overflowed = 0
	return md, collapsed, overflowed
}
