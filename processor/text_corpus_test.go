package processor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// textCorpusFile is the precision corpus of the exception-text source:
// realistic exception messages and types, each with what must be written.
const textCorpusFile = "../testdata/text/corpus.yaml"

// textCorpusMin is the fewest entries the corpus may hold.
const textCorpusMin = 70

// textCorpus is the file's shape.
type textCorpus struct {
	Entries []textCorpusEntry `yaml:"entries"`
}

// textCorpusEntry is one exception, the attributes beside it, and what the
// processor must write for it.
type textCorpusEntry struct {
	// Text is exception.message.
	Text string `yaml:"text"`
	// Type is exception.type; empty for none.
	Type string `yaml:"type"`
	// Attributes are the record's other attributes: hints, error.type.
	Attributes map[string]any `yaml:"attributes"`
	Expect     textExpect     `yaml:"expect"`
	Why        string         `yaml:"why"`
	// Surprise marks an expectation the implementation is believed to
	// disagree with; it is still asserted.
	Surprise bool `yaml:"surprise"`

	// line is where the entry starts in the file.
	line int
}

// textExpect is an entry's expected outcome: the scalar "none", or a map
// {vendor, code}.
type textExpect struct {
	set    bool
	none   bool
	Vendor string
	Code   string
}

func (x *textExpect) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value != "none" {
			return fmt.Errorf("line %d: expect: want none or {vendor, code}, got %q", n.Line, n.Value)
		}
		*x = textExpect{set: true, none: true}
		return nil
	case yaml.MappingNode:
		*x = textExpect{set: true}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: expect.%s: want a scalar", v.Line, k.Value)
			}
			switch k.Value {
			case "vendor":
				x.Vendor = v.Value
			case "code":
				x.Code = v.Value
			default:
				return fmt.Errorf("line %d: expect: unknown field %q", k.Line, k.Value)
			}
		}
		if x.Vendor == "" || x.Code == "" {
			return fmt.Errorf("line %d: expect: want both vendor and code", n.Line)
		}
		return nil
	default:
		return fmt.Errorf("line %d: expect: want none or {vendor, code}", n.Line)
	}
}

// loadTextCorpus reads the corpus strictly: unknown fields, a second
// document, an entry without text, why or expect all fail.
func loadTextCorpus(t *testing.T) []textCorpusEntry {
	t.Helper()
	data, err := os.ReadFile(textCorpusFile)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c textCorpus
	require.NoError(t, dec.Decode(&c), textCorpusFile)
	var extra any
	require.ErrorIs(t, dec.Decode(&extra), io.EOF, "%s: one document only", textCorpusFile)
	// The lines of the entries, for messages: a second, loose pass.
	var doc struct {
		Entries []yaml.Node `yaml:"entries"`
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	require.Len(t, doc.Entries, len(c.Entries))
	seen := map[string]int{}
	for i := range c.Entries {
		e := &c.Entries[i]
		e.line = doc.Entries[i].Line
		require.NotEmpty(t, e.Text, "line %d: text", e.line)
		require.NotEmpty(t, strings.TrimSpace(e.Why), "line %d: why", e.line)
		require.True(t, e.Expect.set, "line %d: expect", e.line)
		for k := range e.Attributes {
			require.False(t, k == "exception.message" || k == "exception.type" || strings.HasPrefix(k, config.DefaultPrefix),
				"line %d: attribute %s belongs in text/type, or is output", e.line, k)
		}
		key := fmt.Sprintf("%q|%q|%v", e.Text, e.Type, e.Attributes)
		if l, dup := seen[key]; dup {
			t.Fatalf("lines %d and %d are the same input", l, e.line)
		}
		seen[key] = e.line
	}
	return c.Entries
}

// want returns the attributes the entry must get: the catalog entry's, or
// none (nil).
func (x textExpect) want(t *testing.T, ix *catalog.Index) map[string]any {
	t.Helper()
	if x.none {
		return nil
	}
	v, ok := ix.VendorByName(x.Vendor)
	require.True(t, ok, "expect: no vendor %q in the built-in catalog", x.Vendor)
	require.Equal(t, x.Vendor, v.ID, "expect: use the vendor id, not an alias")
	c, ok := catalog.StringCode(x.Code)
	require.True(t, ok)
	e, ok := ix.Lookup(v, c)
	require.True(t, ok, "expect: %s has no code %q", x.Vendor, x.Code)
	require.Equal(t, e.Code, x.Code, "expect: spell the code as the catalog does")
	p := config.DefaultPrefix
	m := map[string]any{
		p + "vendor":    e.Vendor.ID,
		p + "code":      e.Code,
		p + "name":      e.Name,
		p + "category":  e.Category.String(),
		p + "class":     e.Class.String(),
		p + "severity":  e.Severity.String(),
		p + "retryable": e.Retryable,
	}
	if e.HTTPStatus != 0 {
		m[p+"http_status"] = int64(e.HTTPStatus)
	}
	return m
}

// textCorpusWritten returns the attributes under the output prefix; nil
// when there are none.
func textCorpusWritten(attrs pcommon.Map) map[string]any {
	var out map[string]any
	for k, v := range attrs.All() {
		if strings.HasPrefix(k, config.DefaultPrefix) {
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v.AsRaw()
		}
	}
	return out
}

// records returns the entry as a log record's attributes, and as a span's
// (the hint attributes) and its exception event's (the rest).
func (e textCorpusEntry) records(hintKeys []string) (record, span, event map[string]any) {
	record, span, event = map[string]any{}, map[string]any{}, map[string]any{}
	for k, v := range e.Attributes {
		record[k] = v
		if slices.Contains(hintKeys, k) {
			span[k] = v
		} else {
			event[k] = v
		}
	}
	for _, m := range []map[string]any{record, event} {
		m["exception.message"] = e.Text
		if e.Type != "" {
			m["exception.type"] = e.Type
		}
	}
	return record, span, event
}

// TestTextCorpus runs the precision corpus through a processor with the
// default configuration, each entry as a log record and as an exception
// event of a span, and asserts exactly what is written: the expected
// entry's attributes for a hit, no error.catalog.* attribute for none.
func TestTextCorpus(t *testing.T) {
	entries := loadTextCorpus(t)
	require.GreaterOrEqual(t, len(entries), textCorpusMin, "corpus too small")

	cat, err := catalog.Builtin()
	require.NoError(t, err)
	ix := catalog.NewIndex(cat)
	cfg := config.Default()
	require.NoError(t, cfg.Validate())
	p := startProcessor(t, cfg, componenttest.NewNopTelemetrySettings())
	hintKeys := slices.Concat(cfg.VendorAttributes, cfg.HostAttributes)
	ctx := context.Background()

	const (
		pathLog = iota
		pathEvent
		numPaths
	)
	paths := [numPaths]string{"log record", "span event"}
	var (
		hits, traps, surprises int
		found, missed, wrong   [numPaths]int // hits found, missed, mislabeled
		falsePositives         [numPaths]int
		disagree               []string
	)
	for _, e := range entries {
		want := e.Expect.want(t, ix)
		if want == nil {
			traps++
		} else {
			hits++
		}
		if e.Surprise {
			surprises++
		}
		record, spanAttrs, eventAttrs := e.records(hintKeys)

		var got [numPaths]map[string]any
		ld, err := p.processLogs(ctx, logsWith(record))
		require.NoError(t, err)
		recs := logAttrs(ld)
		require.Len(t, recs, 1)
		got[pathLog] = textCorpusWritten(recs[0])

		td := ptrace.NewTraces()
		span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetName("corpus")
		require.NoError(t, span.Attributes().FromRaw(spanAttrs))
		ev := span.Events().AppendEmpty()
		ev.SetName("exception")
		require.NoError(t, ev.Attributes().FromRaw(eventAttrs))
		td, err = p.processTraces(ctx, td)
		require.NoError(t, err)
		out := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		got[pathEvent] = textCorpusWritten(out.Events().At(0).Attributes())
		if w := textCorpusWritten(out.Attributes()); w != nil {
			t.Errorf("line %d %q: the span, which holds only hints, got %v", e.line, e.Text, w)
		}

		agreed := 0
		for path, g := range got {
			var what string
			switch {
			case want == nil && g == nil:
				agreed++
				continue
			case want == nil:
				falsePositives[path]++
				what = "false positive"
			case g == nil:
				missed[path]++
				what = "missed hit"
			case !mapsEqualAny(want, g):
				wrong[path]++
				what = "wrong entry"
			default:
				found[path]++
				agreed++
				continue
			}
			tag := ""
			if e.Surprise {
				tag = " [surprise: expectation kept against the implementation]"
			}
			msg := fmt.Sprintf("%s:%d, %s: %s%s\n  text:       %q\n  type:       %q\n  attributes: %v\n  want:       %s\n  got:        %v\n  why:        %s",
				textCorpusFile, e.line, paths[path], what, tag, e.Text, e.Type, e.Attributes, describeExpect(e.Expect), g, e.Why)
			t.Error(msg)
			if path == pathLog {
				disagree = append(disagree, fmt.Sprintf("line %d %s (want %s)", e.line, what, describeExpect(e.Expect)))
			}
		}
		if e.Surprise && agreed == numPaths {
			t.Logf("line %d: marked surprise, but the implementation now agrees: drop the mark", e.line)
		}
	}

	t.Logf("text corpus: %d entries (%d marked surprise)", len(entries), surprises)
	for path := range numPaths {
		t.Logf("%s: hits expected %d, found %d, missed %d, wrong entry %d; traps (none) %d, false positives %d",
			paths[path], hits, found[path], missed[path], wrong[path], traps, falsePositives[path])
	}
	if len(disagree) > 0 {
		t.Logf("entries the implementation disagrees with (log path): %s", strings.Join(disagree, "; "))
	}
}

func describeExpect(x textExpect) string {
	if x.none {
		return "none"
	}
	return x.Vendor + " " + x.Code
}

// mapsEqualAny reports whether two flat attribute maps are equal.
func mapsEqualAny(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v != w {
			return false
		}
	}
	return true
}

// TestTextCorpusStrict checks the corpus loader refuses what it must.
func TestTextCorpusStrict(t *testing.T) {
	for _, bad := range []string{
		"entries:\n  - text: x\n    expect: none\n    why: y\n    extra: 1\n",
		"entries:\n  - text: x\n    expect: maybe\n    why: y\n",
		"entries:\n  - text: x\n    expect: {vendor: zingle}\n    why: y\n",
		"entries:\n  - text: x\n    expect: {vendor: zingle, code: \"2601\", name: z}\n    why: y\n",
	} {
		dec := yaml.NewDecoder(strings.NewReader(bad))
		dec.KnownFields(true)
		var c textCorpus
		err := dec.Decode(&c)
		require.Error(t, err, bad)
		require.False(t, errors.Is(err, io.EOF), bad)
	}
}
