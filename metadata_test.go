package errorcatalogprocessor

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.yaml.in/yaml/v3"
)

// metadataYAML is the part of metadata.yaml the factory and the README are
// checked against (processor/metadata_test.go checks the rest, against the
// running processor).
type metadataYAML struct {
	Type   string `yaml:"type"`
	Status struct {
		Class         string              `yaml:"class"`
		Stability     map[string][]string `yaml:"stability"`
		Distributions []string            `yaml:"distributions"`
	} `yaml:"status"`
	Attributes map[string]struct {
		Enum []string `yaml:"enum"`
	} `yaml:"attributes"`
	Telemetry struct {
		Metrics map[string]struct {
			Description string `yaml:"description"`
			Unit        string `yaml:"unit"`
			Sum         *struct {
				Monotonic bool `yaml:"monotonic"`
			} `yaml:"sum"`
			Gauge      *struct{} `yaml:"gauge"`
			Attributes []string  `yaml:"attributes"`
		} `yaml:"metrics"`
	} `yaml:"telemetry"`
}

func readMetadataYAML(t *testing.T) metadataYAML {
	t.Helper()
	data, err := os.ReadFile("metadata.yaml")
	require.NoError(t, err)
	var md metadataYAML
	require.NoError(t, yaml.Unmarshal(data, &md))
	require.NotEmpty(t, md.Telemetry.Metrics)
	return md
}

// stabilityOrder is the order mdatagen lists stability levels in.
var stabilityOrder = []string{"development", "alpha", "beta", "stable", "deprecated", "unmaintained"}

// TestMetadataFactory checks the factory a distribution imports against
// metadata.yaml.
func TestMetadataFactory(t *testing.T) {
	md := readMetadataYAML(t)
	f := NewFactory()
	assert.Equal(t, md.Type, f.Type().String(), "type")
	assert.Equal(t, "processor", md.Status.Class)

	got := map[string]component.StabilityLevel{
		"traces":  f.TracesStability(),
		"metrics": f.MetricsStability(),
		"logs":    f.LogsStability(),
	}
	want := map[string]component.StabilityLevel{}
	for level, signals := range md.Status.Stability {
		var l component.StabilityLevel
		require.NoError(t, l.UnmarshalText([]byte(level)), "status.stability.%s", level)
		for _, s := range signals {
			want[s] = l
		}
	}
	assert.Equal(t, want, got, "status.stability")
}

// readmeSection returns the README's level-2 section `heading`, up to the
// next level-2 heading.
func readmeSection(t *testing.T, readme, heading string) string {
	t.Helper()
	start := strings.Index(readme, "\n"+heading+"\n")
	require.GreaterOrEqual(t, start, 0, "README has no %q", heading)
	section := readme[start+1:]
	if end := strings.Index(section[len(heading):], "\n## "); end >= 0 {
		section = section[:len(heading)+end+1]
	}
	return section
}

// readmeHead returns what comes between the README's title and its first
// paragraph: comments, tables and link definitions.
func readmeHead(t *testing.T, readme string) string {
	t.Helper()
	title := "# errorcatalog\n"
	require.True(t, strings.HasPrefix(readme, title), "README starts with %q", title)
	var head []string
	comment := false
	for _, line := range strings.Split(readme[len(title):], "\n") {
		switch {
		case comment || strings.HasPrefix(line, "<!--"):
			comment = !strings.Contains(line, "-->")
		case line == "", strings.HasPrefix(line, "|"), strings.HasPrefix(line, "["):
		default:
			return strings.Join(head, "\n")
		}
		head = append(head, line)
	}
	return strings.Join(head, "\n")
}

// tableRows returns the cells of the rows of the first Markdown table in
// text, header and separator left out.
func tableRows(text string) [][]string {
	var rows [][]string
	in := false
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "|") {
			if in {
				break
			}
			continue
		}
		if !in {
			in = true
			continue // header
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // separator
		}
		rows = append(rows, cells)
	}
	return rows
}

func readReadme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	return string(data)
}

// TestReadmeStatusTable checks the status table under the README's title
// against metadata.yaml, the way mdatagen would write it.
func TestReadmeStatusTable(t *testing.T) {
	md := readMetadataYAML(t)
	readme := readReadme(t)
	rows := tableRows(readmeHead(t, readme))
	require.NotEmpty(t, rows, "no status table between the title and the first paragraph")

	var stability, want []string
	distributions := ""
	field := ""
	for _, r := range rows {
		require.Len(t, r, 2, "status row %q", r)
		if r[0] != "" {
			field = r[0]
		}
		switch field {
		case "Stability":
			stability = append(stability, r[1])
		case "Distributions":
			distributions = r[1]
		}
	}
	for _, level := range stabilityOrder {
		if signals, ok := md.Status.Stability[level]; ok {
			want = append(want, fmt.Sprintf("[%s]: %s", level, strings.Join(signals, ", ")))
			assert.Contains(t, readme, fmt.Sprintf("\n[%s]: https://github.com/open-telemetry/opentelemetry-collector/blob/main/docs/component-stability.md#%s\n", level, level),
				"link definition of [%s]", level)
		}
	}
	assert.Len(t, md.Status.Stability, len(want), "status.stability has a level mdatagen does not know")
	assert.Equal(t, want, stability, "Stability rows")

	// The collector project's distributions metadata.yaml lists, and this
	// repository's own, which is named by builder-config.yaml.
	manifest, err := os.ReadFile("builder-config.yaml")
	require.NoError(t, err)
	var b struct {
		Dist struct {
			Name string `yaml:"name"`
		} `yaml:"dist"`
	}
	require.NoError(t, yaml.Unmarshal(manifest, &b))
	require.NotEmpty(t, b.Dist.Name)
	wantDist := []string{}
	for _, d := range md.Status.Distributions {
		wantDist = append(wantDist, "["+d+"]")
	}
	wantDist = append(wantDist, "["+b.Dist.Name+"] (this repository)")
	assert.Equal(t, strings.Join(wantDist, ", "), distributions, "Distributions row")
	assert.Contains(t, readme, "\n["+b.Dist.Name+"]: #build-your-own-distribution\n")
	assert.Contains(t, readme, "\n## Build your own distribution\n")
}

// attrCell parses an attributes cell, "`a` (`x`, `y`), `b`": the names
// in order and, for each, the values its parenthesis lists.
var (
	attrItem  = regexp.MustCompile("`([a-z_.]+)`(?:\\s*\\(([^)]*)\\))?")
	backticks = regexp.MustCompile("`([^`]+)`")
)

func attrCell(cell string) ([]string, map[string][]string) {
	names := []string{}
	values := map[string][]string{}
	for _, m := range attrItem.FindAllStringSubmatch(cell, -1) {
		names = append(names, m[1])
		for _, v := range backticks.FindAllStringSubmatch(m[2], -1) {
			values[m[1]] = append(values[m[1]], v[1])
		}
	}
	return names, values
}

// TestReadmeTelemetry checks the README's section on the processor's own
// telemetry against metadata.yaml: the metrics table (name, type, unit,
// attributes with the values of enum attributes, description), the table of
// renamed metrics, and that the README names no other metric of the
// processor anywhere.
// addedMetrics are the metrics new in the release the renamed table is
// about: they had no name before it.
var addedMetrics = []string{"processor_errorcatalog_sources_read"}

func TestReadmeTelemetry(t *testing.T) {
	md := readMetadataYAML(t)
	readme := readReadme(t)
	section := readmeSection(t, readme, "## The processor's own telemetry")
	metricsPart, renamedPart, ok := strings.Cut(section, "\n### Renamed in this release\n")
	require.True(t, ok, "the telemetry section has a \"Renamed in this release\" subsection")

	rows := map[string][]string{}
	for _, r := range tableRows(metricsPart) {
		require.Len(t, r, 5, "row %q: metric | type | unit | attributes | description", r)
		name := strings.Trim(r[0], "`")
		_, dup := rows[name]
		require.False(t, dup, "%s listed twice", name)
		rows[name] = r
	}
	var declared []string
	for key := range md.Telemetry.Metrics {
		declared = append(declared, "otelcol_"+key)
	}
	sort.Strings(declared)
	var listed []string
	for name := range rows {
		listed = append(listed, name)
	}
	sort.Strings(listed)
	require.Equal(t, declared, listed, "the README's metrics table against metadata.yaml")

	for key, m := range md.Telemetry.Metrics {
		r := rows["otelcol_"+key]
		wantType := "gauge"
		if m.Sum != nil {
			wantType = "up-down counter"
			if m.Sum.Monotonic {
				wantType = "counter"
			}
		}
		assert.Equal(t, wantType, r[1], "%s: type", key)
		assert.Equal(t, "`"+m.Unit+"`", r[2], "%s: unit", key)
		names, values := attrCell(r[3])
		assert.Equal(t, nonNilStrings(m.Attributes), names, "%s: attributes", key)
		for _, a := range m.Attributes {
			if enum := md.Attributes[a].Enum; len(enum) > 0 {
				assert.Equal(t, enum, values[a], "%s: the values of attribute %s", key, a)
			}
		}
		assert.Equal(t, m.Description, r[4], "%s: description", key)
	}

	// Renamed: before is otelcol_<type>_<name>, now is what mdatagen names
	// the metric.
	renamed := map[string]string{}
	for _, r := range tableRows(renamedPart) {
		require.Len(t, r, 2, "row %q: before | now", r)
		renamed[strings.Trim(r[1], "`")] = strings.Trim(r[0], "`")
	}
	wantRenamed := map[string]string{}
	prefix := "processor_" + md.Type + "_"
	for key := range md.Telemetry.Metrics {
		require.True(t, strings.HasPrefix(key, prefix), key)
		if slices.Contains(addedMetrics, key) {
			continue // new in this release: it had no old name
		}
		wantRenamed["otelcol_"+key] = "otelcol_" + md.Type + "_" + strings.TrimPrefix(key, prefix)
	}
	assert.Equal(t, wantRenamed, renamed, "the renamed metrics table")

	// The section's account of Prometheus names holds for the collector
	// builder-config.yaml builds.
	if strings.Contains(metricsPart, "Since\ncollector v0.152.0") {
		manifest, err := os.ReadFile("builder-config.yaml")
		require.NoError(t, err)
		v := regexp.MustCompile(`go\.opentelemetry\.io/collector/receiver/otlpreceiver v0\.(\d+)\.`).FindSubmatch(manifest)
		require.NotNil(t, v, "builder-config.yaml pins otlpreceiver")
		minor, err := strconv.Atoi(string(v[1]))
		require.NoError(t, err)
		assert.GreaterOrEqual(t, minor, 152, "the README says the pinned collector is v0.152.0 or later")
	}

	// Anywhere else in the README, a metric of the processor is one
	// metadata.yaml declares.
	outside := strings.Replace(readme, renamedPart, "", 1)
	mentioned := regexp.MustCompile(`otelcol_(?:processor_)?` + regexp.QuoteMeta(md.Type) + `_[a-z_]+`)
	for _, name := range mentioned.FindAllString(outside, -1) {
		assert.Contains(t, declared, name, "the README names %s, a metric metadata.yaml does not declare", name)
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
