package processor

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// mdFile is the part of mdatagen's metadata.yaml schema the repository's
// metadata.yaml uses. It is decoded strictly, so a misspelt key fails the
// test instead of being ignored.
type mdFile struct {
	Type          string `yaml:"type"`
	DisplayName   string `yaml:"display_name"`
	Description   string `yaml:"description"`
	ScopeName     string `yaml:"scope_name"`
	GithubProject string `yaml:"github_project"`
	Status        struct {
		Class         string              `yaml:"class"`
		Stability     map[string][]string `yaml:"stability"`
		Distributions []string            `yaml:"distributions"`
		Warnings      []string            `yaml:"warnings"`
		Codeowners    struct {
			Active   []string `yaml:"active"`
			Emeritus []string `yaml:"emeritus"`
		} `yaml:"codeowners"`
	} `yaml:"status"`
	Attributes map[string]mdAttribute `yaml:"attributes"`
	Telemetry  struct {
		Metrics map[string]mdMetric `yaml:"metrics"`
	} `yaml:"telemetry"`
}

type mdAttribute struct {
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Enum        []string `yaml:"enum"`
}

type mdMetric struct {
	Enabled     bool   `yaml:"enabled"`
	Description string `yaml:"description"`
	Unit        string `yaml:"unit"`
	Sum         *struct {
		ValueType string `yaml:"value_type"`
		Monotonic bool   `yaml:"monotonic"`
		Async     bool   `yaml:"async"`
	} `yaml:"sum"`
	Gauge *struct {
		ValueType string `yaml:"value_type"`
		Async     bool   `yaml:"async"`
	} `yaml:"gauge"`
	Histogram *struct {
		ValueType        string    `yaml:"value_type"`
		BucketBoundaries []float64 `yaml:"bucket_boundaries"`
	} `yaml:"histogram"`
	Attributes []string `yaml:"attributes"`
}

// metricName is the name mdatagen gives the instrument of a telemetry key.
func metricName(key string) string { return "otelcol_" + key }

// instrumentKind is the SDK instrument kind mdatagen creates for m.
func (m mdMetric) instrumentKind(t *testing.T, key string) sdkmetric.InstrumentKind {
	t.Helper()
	switch {
	case m.Sum != nil && m.Gauge == nil && m.Histogram == nil:
		switch {
		case m.Sum.Async && m.Sum.Monotonic:
			return sdkmetric.InstrumentKindObservableCounter
		case m.Sum.Async:
			return sdkmetric.InstrumentKindObservableUpDownCounter
		case m.Sum.Monotonic:
			return sdkmetric.InstrumentKindCounter
		default:
			return sdkmetric.InstrumentKindUpDownCounter
		}
	case m.Gauge != nil && m.Sum == nil && m.Histogram == nil:
		if m.Gauge.Async {
			return sdkmetric.InstrumentKindObservableGauge
		}
		return sdkmetric.InstrumentKindGauge
	case m.Histogram != nil && m.Sum == nil && m.Gauge == nil:
		return sdkmetric.InstrumentKindHistogram
	}
	t.Fatalf("%s: exactly one of sum, gauge and histogram must be set", key)
	return 0
}

func (m mdMetric) valueType() string {
	switch {
	case m.Sum != nil:
		return m.Sum.ValueType
	case m.Gauge != nil:
		return m.Gauge.ValueType
	case m.Histogram != nil:
		return m.Histogram.ValueType
	}
	return ""
}

func readMetadata(t *testing.T) mdFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "metadata.yaml"))
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var md mdFile
	require.NoError(t, dec.Decode(&md), "metadata.yaml")
	return md
}

// TestMetadataComponent checks the component's type, scope and stability
// against metadata.yaml.
func TestMetadataComponent(t *testing.T) {
	md := readMetadata(t)
	assert.Equal(t, md.Type, metadata.Type.String(), "type")
	assert.Equal(t, md.ScopeName, metadata.ScopeName, "scope_name")
	assert.Equal(t, md.ScopeName, scopeName, "the scope telemetry.go creates its meter with")
	assert.Equal(t, "processor", md.Status.Class, "status.class")

	declared := map[string]component.StabilityLevel{}
	for level, signals := range md.Status.Stability {
		var l component.StabilityLevel
		require.NoError(t, l.UnmarshalText([]byte(level)), "status.stability.%s", level)
		for _, s := range signals {
			_, dup := declared[s]
			require.False(t, dup, "signal %s has more than one stability", s)
			declared[s] = l
		}
	}
	assert.Equal(t, map[string]component.StabilityLevel{
		"traces":  metadata.TracesStability,
		"metrics": metadata.MetricsStability,
		"logs":    metadata.LogsStability,
	}, declared, "status.stability against internal/metadata")

	f := NewFactory()
	assert.Equal(t, md.Type, f.Type().String())
	assert.Equal(t, declared["traces"], f.TracesStability())
	assert.Equal(t, declared["metrics"], f.MetricsStability())
	assert.Equal(t, declared["logs"], f.LogsStability())
}

// TestMetadataDeclarations checks that metadata.yaml is complete in itself
// and that internal/metadata names exactly its metrics.
func TestMetadataDeclarations(t *testing.T) {
	md := readMetadata(t)
	require.NotEmpty(t, md.Telemetry.Metrics)

	used := map[string]bool{}
	for key, m := range md.Telemetry.Metrics {
		assert.True(t, strings.HasPrefix(key, "processor_"+md.Type+"_"),
			"%s: telemetry keys follow processor_<type>_<name>", key)
		assert.True(t, m.Enabled, "%s: the processor has no switch for its metrics; enabled must be true", key)
		assert.NotEmpty(t, m.Description, "%s: description", key)
		assert.NotEmpty(t, m.Unit, "%s: unit", key)
		assert.Equal(t, "int", m.valueType(), "%s: value_type", key)
		m.instrumentKind(t, key)
		for i, a := range m.Attributes {
			assert.NotContains(t, m.Attributes[:i], a, "%s: attribute %q listed twice", key, a)
			_, ok := md.Attributes[a]
			assert.True(t, ok, "%s: attribute %q is not declared under attributes", key, a)
			used[a] = true
		}
	}
	for name, a := range md.Attributes {
		assert.True(t, used[name], "attribute %q is declared but no metric records it", name)
		assert.NotEmpty(t, a.Description, "attribute %q: description", name)
		assert.Equal(t, "string", a.Type, "attribute %q: the processor records string attributes only", name)
	}

	// The value tables telemetry.go builds its attribute sets from are the
	// enums of metadata.yaml.
	assert.ElementsMatch(t, md.Attributes["signal"].Enum, signalNames[:], "signal enum")
	assert.ElementsMatch(t, md.Attributes["reason"].Enum, reasonNames[:], "reason enum")
	assert.ElementsMatch(t, md.Attributes["source"].Enum, payloadSourceNames[:], "source enum")
	assert.ElementsMatch(t, md.Attributes["outcome"].Enum, payloadResultNames[:], "outcome enum")

	var want []string
	for key := range md.Telemetry.Metrics {
		want = append(want, metricName(key))
	}
	assert.ElementsMatch(t, want, []string{
		metadata.MetricRecordsEnriched,
		metadata.MetricCodesUnknown,
		metadata.MetricCodesAmbiguous,
		metadata.MetricValuesSkipped,
		metadata.MetricCatalogReloads,
		metadata.MetricCatalogEntries,
		metadata.MetricSourcesRead,
	}, "internal/metadata's metric names against metadata.yaml's keys")
}

// instrumentLog records every instrument a meter provider creates, whether
// or not it is ever recorded: the SDK consults its views when an
// instrument is created.
type instrumentLog struct {
	mu   sync.Mutex
	seen map[string]sdkmetric.Instrument
}

func (l *instrumentLog) view(i sdkmetric.Instrument) (sdkmetric.Stream, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]sdkmetric.Instrument{}
	}
	l.seen[i.Name] = i
	return sdkmetric.Stream{}, false
}

func (l *instrumentLog) instruments() map[string]sdkmetric.Instrument {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.seen)
}

// TestMetadataTelemetry runs a processor until every one of its metrics
// has been recorded, every value of every enum attribute included, and
// checks what the SDK received against metadata.yaml: names, descriptions,
// units, instrument kinds, data types, attribute keys and enum values, and
// that nothing is created or recorded that metadata.yaml does not declare.
func TestMetadataTelemetry(t *testing.T) {
	md := readMetadata(t)

	var created instrumentLog
	tel := componenttest.NewTelemetry(componenttest.WithMetricOptions(sdkmetric.WithView(created.view)))
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })

	dir := t.TempDir()
	path := filepath.Join(dir, "reload.yaml")
	require.NoError(t, os.WriteFile(path, catalogV(1, 0), 0o600))
	cfg := config.Default()
	// acme.yaml shares code 2601 with the built-in Zingle catalog, so a
	// bare 2601 is ambiguous.
	cfg.Catalogs.Files = []string{"../testdata/catalogs/acme.yaml", path}
	cfg.Catalogs.ReloadInterval = reloadInterval
	cfg.HTTPStatusFallback = true
	require.NoError(t, cfg.Validate())
	p := startProcessor(t, cfg, tel.NewTelemetrySettings())
	ctx := context.Background()

	_, err := p.processLogs(ctx, logsWith(
		map[string]any{"zingle.error.code": 2601},                    // found
		map[string]any{"speakap.error.code": -999},                   // unknown code of a known vendor
		map[string]any{"error.code": 123456},                         // unknown code, no vendor
		map[string]any{"error.code": 2601},                           // zingle and acme: ambiguous
		map[string]any{"error.code": true, "reloadco.error.code": 1}, // a non-code value skipped
		map[string]any{"error.code": 2602, "error.vendor": 7},        // a non-vendor value skipped
	))
	require.NoError(t, err)
	_, err = p.processLogs(ctx, payloadLogs(t))
	require.NoError(t, err)
	_, err = p.processTraces(ctx, tracesWith(map[string]any{"error.code": "ERR_UID_NOT_FOUND"}))
	require.NoError(t, err)
	metrics := pmetric.NewMetrics()
	metrics.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().
		SetEmptyGauge().DataPoints().AppendEmpty().Attributes().PutInt("zingle.error.code", 2601)
	_, err = p.processMetrics(ctx, metrics)
	require.NoError(t, err)

	// One reload that succeeds, then one that fails. The waits count
	// reloads whatever their labels, so labels that disagree with
	// metadata.yaml are reported below rather than as a timeout here.
	reloads := func() int64 {
		var n int64
		for _, v := range counts(t, tel, metadata.MetricCatalogReloads) {
			n += v
		}
		return n
	}
	atomicRename(t, path, catalogV(2, 1))
	require.Eventually(t, func() bool { return reloads() >= 1 }, waitFor, time.Millisecond, "reload never counted")
	atomicRename(t, path, []byte(brokenCatalog))
	require.Eventually(t, func() bool { return reloads() >= 2 }, waitFor, time.Millisecond, "failed reload never counted")
	assert.Equal(t, int64(2), reloads(), "one good and one broken change are two reloads")

	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.Reader.Collect(ctx, &rm))
	recorded := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			assert.Equal(t, md.ScopeName, sm.Scope.Name, "%s is recorded under another scope", m.Name)
			_, declared := md.Telemetry.Metrics[strings.TrimPrefix(m.Name, "otelcol_")]
			assert.True(t, declared && strings.HasPrefix(m.Name, "otelcol_"),
				"%s is recorded but metadata.yaml does not declare it", m.Name)
			recorded[m.Name] = m
		}
	}
	instruments := created.instruments()
	for name, i := range instruments {
		assert.Equal(t, md.ScopeName, i.Scope.Name, "%s is created under another scope", name)
		_, declared := md.Telemetry.Metrics[strings.TrimPrefix(name, "otelcol_")]
		assert.True(t, declared && strings.HasPrefix(name, "otelcol_"),
			"instrument %s is created but metadata.yaml does not declare it", name)
	}

	for key, want := range md.Telemetry.Metrics {
		name := metricName(key)
		t.Run(key, func(t *testing.T) {
			i, ok := instruments[name]
			require.True(t, ok, "no instrument %s is created", name)
			assert.Equal(t, want.instrumentKind(t, key), i.Kind, "instrument kind")
			assert.Equal(t, want.Description, i.Description, "description")
			assert.Equal(t, want.Unit, i.Unit, "unit")

			m, ok := recorded[name]
			require.True(t, ok, "%s was never recorded", name)
			assert.Equal(t, want.Description, m.Description, "description")
			assert.Equal(t, want.Unit, m.Unit, "unit")

			var sets []attribute.Set
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				require.NotNil(t, want.Sum, "recorded as a sum; metadata.yaml says otherwise")
				assert.Equal(t, want.Sum.Monotonic, d.IsMonotonic, "monotonic")
				for _, dp := range d.DataPoints {
					sets = append(sets, dp.Attributes)
				}
			case metricdata.Gauge[int64]:
				require.NotNil(t, want.Gauge, "recorded as a gauge; metadata.yaml says otherwise")
				for _, dp := range d.DataPoints {
					sets = append(sets, dp.Attributes)
				}
			default:
				t.Fatalf("recorded as %T; metadata.yaml declares an int %s", m.Data, kindName(want))
			}
			require.NotEmpty(t, sets, "no data point")

			wantKeys := nonNil(slices.Clone(want.Attributes))
			sort.Strings(wantKeys)
			seen := map[string]map[string]bool{}
			for _, set := range sets {
				var keys []string
				for _, kv := range set.ToSlice() {
					k := string(kv.Key)
					keys = append(keys, k)
					assert.Equal(t, attribute.STRING, kv.Value.Type(), "attribute %s: type", k)
					if seen[k] == nil {
						seen[k] = map[string]bool{}
					}
					seen[k][kv.Value.AsString()] = true
				}
				sort.Strings(keys)
				assert.Equal(t, wantKeys, nonNil(keys), "attribute keys of data point {%s}", set.Encoded(attribute.DefaultEncoder()))
			}
			// Every value of an enum attribute was recorded above, so what
			// was seen must be the enum exactly.
			for _, a := range want.Attributes {
				if enum := md.Attributes[a].Enum; len(enum) > 0 {
					var got []string
					for v := range seen[a] {
						got = append(got, v)
					}
					assert.ElementsMatch(t, enum, got, "values of attribute %s", a)
				}
			}
		})
	}
}

func kindName(m mdMetric) string {
	switch {
	case m.Sum != nil:
		return "sum"
	case m.Gauge != nil:
		return "gauge"
	default:
		return "histogram"
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// payloadLogs returns log records whose payloads end in every outcome, from
// every source.
func payloadLogs(t *testing.T) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	body := func(s string) { lrs.AppendEmpty().Body().SetStr(s) }
	mapBody := func(m map[string]any) {
		require.NoError(t, lrs.AppendEmpty().Body().SetEmptyMap().FromRaw(m))
	}
	mapBody(map[string]any{"error": map[string]any{"code": "ERR_UID_NOT_FOUND"}}) // log_body match
	require.NoError(t, lrs.AppendEmpty().Attributes().FromRaw(map[string]any{     // map_attribute match
		"response": map[string]any{"ResponseStatus": map[string]any{"ErrorCode": "NUMBER_NOT_FOUND"}},
	}))
	lrs.AppendEmpty().Attributes().PutStr("http.response.body.content", `{"status":{"error_code":2601}}`) // string_attribute match
	body(`{"code": 414}`)                                                                                 // speakap and netease_im share "code": ambiguous
	body(`{"msg": "no code here"}`)                                                                       // no_match
	mapBody(map[string]any{                                                                               // conflict
		"error":          map[string]any{"code": "ERR_UID_NOT_FOUND"},
		"ResponseStatus": map[string]any{"ErrorCode": "NUMBER_NOT_FOUND"},
	})
	body(`{"code": -3,`)                                              // invalid_json
	body(`{"a":"` + strings.Repeat("x", 70<<10) + `"}`)               // too_large
	body(strings.Repeat(`{"a":`, 10) + "1" + strings.Repeat("}", 10)) // too_deep
	keys := make([]string, 1100)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	body("{" + strings.Join(keys, ",") + "}") // too_many_keys
	attrs := func(m map[string]any) { require.NoError(t, lrs.AppendEmpty().Attributes().FromRaw(m)) }
	attrs(map[string]any{"error.type": "ERR_UID_NOT_FOUND"})                                         // error_type match
	attrs(map[string]any{"error.type": "java.net.SocketTimeoutException"})                           // error_type no_match
	attrs(map[string]any{"exception.message": "cometchat: ERR_GUID_NOT_FOUND: no group"})            // exception_text match
	attrs(map[string]any{"exception.message": "403 Forbidden"})                                      // exception_text no_match
	attrs(map[string]any{"exception.message": "ERR_UID_NOT_FOUND then ERR_GUID_NOT_FOUND"})          // exception_text conflict
	attrs(map[string]any{"server.address": "api-us.cometchat.io", "http.response.status_code": 429}) // http_status match
	attrs(map[string]any{"http.response.status_code": 503})                                          // http_status no_match: no hint
	return ld
}
