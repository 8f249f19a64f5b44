package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// load decodes the sub-configuration named id of testdata/config.yaml over
// the defaults, as the collector does.
func load(t *testing.T, id string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(id)
	require.NoError(t, err)
	cfg := Default()
	return cfg, sub.Unmarshal(cfg)
}

func TestLoadValid(t *testing.T) {
	tests := []struct {
		id   string
		want func() *Config
	}{
		{
			id:   "errorcatalog",
			want: Default,
		},
		{
			id: "errorcatalog/full",
			want: func() *Config {
				return &Config{
					CodeAttributes: []CodeAttribute{
						{Key: "error.code"},
						{Key: "zingle.status", Vendor: "zingle"},
						{Key: "im.code", Vendor: "Yunxin"},
						{Key: "acme.code", Vendor: "acme-pay"},
					},
					VendorAttributes: []string{"error.vendor", "vendor.name"},
					HostAttributes:   []string{"server.address"},
					InferVendor:      false,
					Catalogs: CatalogsConfig{
						Builtin:        true,
						Files:          []string{"../testdata/catalogs/acme.yaml"},
						ReloadInterval: 30 * time.Second,
					},
					Output: OutputConfig{Prefix: "ec.", Attributes: DefaultAttributes(), Description: true},
					Payloads: PayloadsConfig{
						Enabled: true, LogBody: false, MapAttributes: true,
						StringAttributes: []string{"http.response.body.content", "vendor.response"},
						MaxBytes:         8192, MaxDepth: 4, MaxKeys: 256,
					},
					ErrorType:          false,
					Text:               TextConfig{Attributes: []string{"exception.message"}, MaxBytes: 1024},
					HTTPStatusFallback: true,
					SpanStatus:         true,
					LogSeverity:        true,
				}
			},
		},
		{
			id: "errorcatalog/category_and_class",
			want: func() *Config {
				c := Default()
				c.Output.Attributes = []Attribute{AttributeCategory, AttributeClass}
				return c
			},
		},
		{
			id: "errorcatalog/files_only",
			want: func() *Config {
				c := Default()
				c.Catalogs.Builtin = false
				c.Catalogs.Files = []string{"../testdata/catalogs/acme.yaml"}
				return c
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			cfg, err := load(t, tt.id)
			require.NoError(t, err)
			assert.Equal(t, tt.want(), cfg)
			assert.NoError(t, confmap.Validate(cfg))
		})
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		id string
		// is is the sentinel the error wraps, if any.
		is error
		// msgs are substrings of the message, naming key, file and line.
		msgs []string
	}{
		{
			id:   "errorcatalog/unknown_vendor",
			is:   ErrUnknownVendor,
			msgs: []string{`code_attributes[2].vendor: unknown vendor "zingel" (catalog vendors: speakap, zingle, cometchat, netease_im, fonedynamics)`},
		},
		{
			id:   "errorcatalog/duplicate_key",
			is:   ErrDuplicateKey,
			msgs: []string{`code_attributes[1].key: duplicate key "error.code" (also code_attributes[0])`},
		},
		{
			id:   "errorcatalog/empty_key",
			is:   ErrEmptyKey,
			msgs: []string{"code_attributes[1].key: key is required"},
		},
		{
			id:   "errorcatalog/empty_vendor_attribute",
			is:   ErrEmptyKey,
			msgs: []string{"vendor_attributes[1]: key is required"},
		},
		{
			id:   "errorcatalog/duplicate_host_attribute",
			is:   ErrDuplicateKey,
			msgs: []string{`host_attributes[2]: duplicate key "server.address" (also host_attributes[0])`},
		},
		{
			id:   "errorcatalog/empty_code_attributes",
			is:   ErrNoCodeAttributes,
			msgs: []string{"code_attributes: at least one code attribute is required"},
		},
		{
			id:   "errorcatalog/empty_prefix",
			is:   ErrPrefix,
			msgs: []string{`output.prefix: must be non-empty and end with "."`},
		},
		{
			id:   "errorcatalog/prefix_without_dot",
			is:   ErrPrefix,
			msgs: []string{`output.prefix: must be non-empty and end with "."`},
		},
		{
			id:   "errorcatalog/key_under_prefix",
			is:   ErrKeyUnderPrefix,
			msgs: []string{`code_attributes[0].key: key is under output.prefix "error.catalog.": "error.catalog.code"`},
		},
		{
			id:   "errorcatalog/negative_reload_interval",
			is:   ErrReloadInterval,
			msgs: []string{"catalogs.reload_interval: must be zero (no reload) or positive"},
		},
		{
			id:   "errorcatalog/no_catalog",
			is:   ErrNoCatalog,
			msgs: []string{"catalogs: no catalog: builtin is false and files is empty"},
		},
		{
			id:   "errorcatalog/missing_file",
			msgs: []string{"catalogs.files[1]: stat ../testdata/catalogs/missing.yaml: no such file or directory"},
		},
		{
			id:   "errorcatalog/broken_file",
			is:   ErrCatalog,
			msgs: []string{"catalogs: ", "../testdata/catalogs/broken.yaml:11:", "entry 1", `unknown category "sideways"`},
		},
		{
			id:   "errorcatalog/vendor_from_missing_file",
			is:   ErrUnknownVendor,
			msgs: []string{`code_attributes[0].vendor: unknown vendor "acme"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			cfg, err := load(t, tt.id)
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			require.Error(t, err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			for _, m := range tt.msgs {
				assert.ErrorContains(t, err, m)
			}
		})
	}
}

// TestDecodeErrors checks keys and values the decoder itself rejects, with
// the key named.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		id  string
		msg string
	}{
		{id: "errorcatalog/unknown_field", msg: "infer_vendors"},
		{id: "errorcatalog/wrong_type", msg: "infer_vendor"},
		{id: "errorcatalog/wrong_item_type", msg: "code_attributes"},
		{id: "errorcatalog/bad_duration", msg: "reload_interval"},
		{id: "errorcatalog/prefix_not_a_string", msg: "prefix"},
		{id: "errorcatalog/code_attributes_not_a_list", msg: "code_attributes"},
		{id: "errorcatalog/code_attribute_unknown_field", msg: "vendr"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			_, err := load(t, tt.id)
			require.Error(t, err)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

// TestCatalogFileProblems checks the messages for catalog files that
// cannot be used: each names the list position or the file.
func TestCatalogFileProblems(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.yaml")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	oversized := filepath.Join(dir, "oversized.yaml")
	require.NoError(t, os.WriteFile(oversized, make([]byte, catalog.MaxFileSize+1), 0o600))
	notYAML := filepath.Join(dir, "notyaml.yaml")
	require.NoError(t, os.WriteFile(notYAML, []byte("format: [unclosed\n"), 0o600))

	tests := []struct {
		name  string
		files []string
		msgs  []string
	}{
		{"empty path", []string{""}, []string{"catalogs.files[0]: path is required"}},
		{"directory", []string{dir}, []string{"catalogs.files[0]: " + dir + " is a directory, not a catalog file"}},
		{"empty file", []string{empty}, []string{"catalogs: ", empty + ": ", "empty file"}},
		{"oversized file", []string{oversized}, []string{"catalogs: ", oversized + ": ", "file too large"}},
		{"malformed YAML", []string{notYAML}, []string{"catalogs: ", notYAML + ":"}},
		{"vendor defined twice", []string{"../testdata/catalogs/acme.yaml", "../testdata/catalogs/acme.yaml"}, []string{"catalogs: ", "vendor acme already defined at ../testdata/catalogs/acme.yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Catalogs.Files = tt.files
			err := cfg.Validate()
			require.Error(t, err)
			for _, m := range tt.msgs {
				assert.ErrorContains(t, err, m)
			}
			_, err = cfg.LoadCatalog()
			assert.Error(t, err, "a file that fails validation never loads")
		})
	}
}

// TestValidateReportsEveryProblem checks that one Validate names every bad
// key, so a user fixes the configuration in one pass.
func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := Default()
	cfg.CodeAttributes = []CodeAttribute{{Key: ""}, {Key: "x", Vendor: "nobody"}}
	cfg.Output.Prefix = "out"
	cfg.Catalogs.ReloadInterval = -time.Second
	err := cfg.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrEmptyKey)
	assert.ErrorIs(t, err, ErrPrefix)
	assert.ErrorIs(t, err, ErrReloadInterval)
	assert.ErrorIs(t, err, ErrUnknownVendor)
}

func TestCodeAttributeUnmarshalText(t *testing.T) {
	a := CodeAttribute{Key: "old", Vendor: "zingle"}
	require.NoError(t, a.UnmarshalText([]byte("error.code")))
	assert.Equal(t, CodeAttribute{Key: "error.code"}, a, "the string form binds no vendor")
}

// TestMarshalKeepsBinding checks that a configuration printed back (as
// `otelcol print-config` does) keeps each code attribute's vendor.
func TestMarshalKeepsBinding(t *testing.T) {
	cfg := Default()
	cfg.CodeAttributes = []CodeAttribute{{Key: "error.code"}, {Key: "z.code", Vendor: "zingle"}}
	conf := confmap.New()
	require.NoError(t, conf.Marshal(cfg))
	back := Default()
	require.NoError(t, conf.Unmarshal(back))
	assert.Equal(t, cfg.CodeAttributes, back.CodeAttributes)
}

func TestEffectiveCodeAttributes(t *testing.T) {
	vendors := []*catalog.Vendor{{ID: "speakap"}, {ID: "zingle"}, {ID: "acme"}}

	t.Run("unset", func(t *testing.T) {
		got := Default().EffectiveCodeAttributes(vendors)
		assert.Equal(t, []CodeAttribute{
			{Key: "error.code"},
			{Key: "speakap.error.code", Vendor: "speakap"},
			{Key: "zingle.error.code", Vendor: "zingle"},
			{Key: "acme.error.code", Vendor: "acme"},
		}, got)
	})
	t.Run("set", func(t *testing.T) {
		cfg := Default()
		cfg.CodeAttributes = []CodeAttribute{{Key: "rpc.code", Vendor: "zingle"}}
		assert.Equal(t, cfg.CodeAttributes, cfg.EffectiveCodeAttributes(vendors), "a set list is used exactly as given")
	})
}

// TestBoundVendorMatching checks how a code attribute's vendor is matched:
// by id or alias, case-insensitively, trimmed, through the catalog index.
func TestBoundVendorMatching(t *testing.T) {
	cat := &catalog.Catalog{Vendors: []*catalog.VendorCatalog{
		{Vendor: &catalog.Vendor{ID: "netease_im", Aliases: []string{"yunxin", "CommsEase"}}},
		{Vendor: &catalog.Vendor{ID: "zingle"}},
	}}
	tests := []struct {
		name string
		want string
	}{
		{"netease_im", "netease_im"},
		{"NetEase_IM", "netease_im"},
		{"  yunxin ", "netease_im"},
		{"commsease", "netease_im"},
		{"zingle", "zingle"},
		{"zingel", ""},
		{"", ""},
	}
	ix := catalog.NewIndex(cat)
	for _, tt := range tests {
		v, ok := ix.VendorByName(tt.name)
		if tt.want == "" {
			assert.False(t, ok, tt.name)
			continue
		}
		require.True(t, ok, tt.name)
		assert.Equal(t, tt.want, v.ID, tt.name)
	}
}
