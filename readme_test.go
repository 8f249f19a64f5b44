package errorcatalogprocessor

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// readmeBlock matches a fenced block announced by a readme-test marker, so
// every configuration and catalog the README shows is one that works.
var readmeBlock = regexp.MustCompile("(?s)<!-- readme-test: ([a-z-]+) -->\n```yaml\n(.*?)```")

func readmeBlocks(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	out := map[string][]string{}
	for _, m := range readmeBlock.FindAllStringSubmatch(string(data), -1) {
		out[m[1]] = append(out[m[1]], m[2])
	}
	return out
}

func TestReadmeProcessorConfigs(t *testing.T) {
	blocks := readmeBlocks(t)["processor-config"]
	require.Len(t, blocks, 2, "the README shows a minimal and a full configuration")
	for i, b := range blocks {
		var doc struct {
			Processors map[string]map[string]any `yaml:"processors"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(b), &doc), "block %d", i)
		raw, ok := doc.Processors["errorcatalog"]
		require.True(t, ok, "block %d configures errorcatalog", i)
		cfg := NewFactory().CreateDefaultConfig().(*config.Config)
		require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(cfg), "block %d", i)
		require.NoError(t, cfg.Validate(), "block %d", i)
	}
	// The full block spells out every default: apart from the keys it sets
	// to other values on purpose, it must decode to the default config.
	full := NewFactory().CreateDefaultConfig().(*config.Config)
	var doc struct {
		Processors map[string]map[string]any `yaml:"processors"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(blocks[1]), &doc))
	require.NoError(t, confmap.NewFromStringMap(doc.Processors["errorcatalog"]).Unmarshal(full))
	def := config.Default()
	require.Equal(t, def.VendorAttributes, full.VendorAttributes)
	require.Equal(t, def.HostAttributes, full.HostAttributes)
	require.Equal(t, def.InferVendor, full.InferVendor)
	require.Equal(t, def.Catalogs.Builtin, full.Catalogs.Builtin)
	require.Equal(t, def.Catalogs.ReloadInterval, full.Catalogs.ReloadInterval)
	require.Equal(t, def.Output, full.Output)
	require.Equal(t, def.SpanStatus, full.SpanStatus)
	require.Equal(t, def.LogSeverity, full.LogSeverity)
	require.Equal(t, []config.CodeAttribute{{Key: "error.code"}, {Key: "zingle.status", Vendor: "zingle"}}, full.CodeAttributes)
}

func TestReadmeCatalogs(t *testing.T) {
	blocks := readmeBlocks(t)["catalog"]
	require.Len(t, blocks, 2, "the README shows a vendor file and an override file")
	dir := t.TempDir()
	var paths []string
	for i, b := range blocks {
		p := dir + "/readme-" + string(rune('a'+i)) + ".yaml"
		require.NoError(t, os.WriteFile(p, []byte(b), 0o600))
		paths = append(paths, p)
	}
	cat, err := catalog.Load(true, paths)
	require.NoError(t, err)
	ix := catalog.NewIndex(cat)

	acme, ok := ix.VendorByName("acme")
	require.True(t, ok)
	e, ok := ix.Lookup(acme, catalog.IntCode(503))
	require.True(t, ok)
	require.Equal(t, "Payment Gateway Down", e.Name)
	v, ok := ix.VendorByHost("https://billing.acme.example/v1/charges")
	require.True(t, ok)
	require.Equal(t, "acme_billing", v.ID)

	zingle, ok := ix.VendorByName("zingle")
	require.True(t, ok)
	e, ok = ix.Lookup(zingle, catalog.IntCode(2601))
	require.True(t, ok)
	require.Equal(t, "Service Account Rejected", e.Name)
	require.Equal(t, catalog.SeverityCritical, e.Severity)
}

func TestReadmeBuilderSnippet(t *testing.T) {
	blocks := readmeBlocks(t)["builder-config"]
	require.Len(t, blocks, 1)
	manifest, err := os.ReadFile("builder-config.yaml")
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(blocks[0]), "\n") {
		if strings.HasPrefix(line, " ") {
			require.Contains(t, string(manifest), line+"\n", "README's ocb snippet line is not in builder-config.yaml")
		}
	}
}

// TestReadmeAttributesTable checks that the README's table of written
// attributes lists exactly the attributes output.attributes can select, in
// the order the processor writes them.
func TestReadmeAttributesTable(t *testing.T) {
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	section := string(data)
	start := strings.Index(section, "## Attributes written")
	require.GreaterOrEqual(t, start, 0, "README has no Attributes written section")
	section = section[start:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	row := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(config.DefaultPrefix) + "([a-z_]+)` \\|")
	var listed []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	var want []string
	for _, a := range config.Attributes() {
		want = append(want, a.String())
	}
	require.Equal(t, want, listed)
}
