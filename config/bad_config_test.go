package config_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.uber.org/goleak"

	errorcatalogprocessor "github.com/errorcatalog/errorcatalogprocessor"
	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// decode decodes the processor's YAML block over the defaults, as the
// collector does, and validates it. It returns the error of whichever step
// refused the configuration.
func decode(t *testing.T, block string) (*config.Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(block), 0o600))
	cm, err := confmaptest.LoadConf(path)
	require.NoError(t, err, "the test's YAML is valid")
	cfg := config.Default()
	if err := cm.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

// TestBadConfigKeys gives every key a value of the wrong type or out of
// range. Each configuration is refused, and the message names the key.
func TestBadConfigKeys(t *testing.T) {
	tests := []struct {
		name  string
		block string
		// msgs are parts of the message; is the sentinel it wraps, if any.
		msgs []string
		is   error
	}{
		// Types the decoder refuses.
		{"code_attributes: a map", "code_attributes: {key: error.code}", []string{"code_attributes"}, nil},
		{"code_attributes: a number item", "code_attributes: [1]", []string{"code_attributes"}, nil},
		{"code_attributes: a list item", "code_attributes: [error.code, [nested]]", []string{"code_attributes"}, nil},
		{"code_attributes[].key: a list", "code_attributes: [{key: [a]}]", []string{"key"}, nil},
		{"code_attributes[].vendor: a map", "code_attributes: [{key: a, vendor: {id: zingle}}]", []string{"vendor"}, nil},
		{"code_attributes[]: unknown field", "code_attributes: [{key: a, vendr: zingle}]", []string{"vendr"}, nil},
		{"vendor_attributes: a map", "vendor_attributes: {a: b}", []string{"vendor_attributes"}, nil},
		{"vendor_attributes: a list item", "vendor_attributes: [[a]]", []string{"vendor_attributes"}, nil},
		{"host_attributes: a map item", "host_attributes: [{a: b}]", []string{"host_attributes"}, nil},
		{"infer_vendor: a word", "infer_vendor: sometimes", []string{"infer_vendor"}, nil},
		{"infer_vendor: a number", "infer_vendor: 1", []string{"infer_vendor"}, nil},
		{"infer_vendor: a quoted bool", `infer_vendor: "true"`, []string{"infer_vendor"}, nil},
		{"catalogs: a string", "catalogs: files", []string{"catalogs"}, nil},
		{"catalogs.builtin: a word", "catalogs: {builtin: maybe}", []string{"builtin"}, nil},
		{"catalogs.files: a map item", "catalogs: {files: [{path: a.yaml}]}", []string{"files"}, nil},
		{"catalogs.reload_interval: a word", "catalogs: {reload_interval: soon}", []string{"reload_interval"}, nil},
		{"catalogs.reload_interval: a list", "catalogs: {reload_interval: [1s]}", []string{"reload_interval"}, nil},
		{"catalogs: unknown field", "catalogs: {file: [a.yaml]}", []string{"file"}, nil},
		{"output: a string", "output: error.catalog.", []string{"output"}, nil},
		{"output.prefix: a list", "output: {prefix: [error, catalog]}", []string{"prefix"}, nil},
		{"output.description: a quoted bool", `output: {description: "no"}`, []string{"description"}, nil},
		{"output: unknown field", "output: {prefx: ec.}", []string{"prefx"}, nil},
		{"output.attributes: a string", "output: {attributes: category}", []string{"attributes"}, nil},
		{"output.attributes: unknown name", "output: {attributes: [category, kind]}", []string{"attributes", `unknown attribute "kind"`, "want one of vendor, code, name"}, nil},
		{"output.attributes: prefixed name", "output: {attributes: [error.catalog.class]}", []string{`unknown attribute "error.catalog.class"`}, nil},
		{"span_status: a word", "span_status: yes please", []string{"span_status"}, nil},
		{"log_severity: a list", "log_severity: [true]", []string{"log_severity"}, nil},
		{"unknown top-level field", "infer_vendors: true", []string{"infer_vendors"}, nil},

		// Values Validate refuses.
		{"code_attributes: empty list", "code_attributes: []", []string{"code_attributes: at least one code attribute is required"}, config.ErrNoCodeAttributes},
		{"code_attributes: null item", "code_attributes: [~]", []string{"code_attributes[0].key: key is required"}, config.ErrEmptyKey},
		{"code_attributes: empty key", "code_attributes: [error.code, {vendor: zingle}]", []string{"code_attributes[1].key: key is required"}, config.ErrEmptyKey},
		{"code_attributes: duplicate key", "code_attributes: [a.code, b.code, a.code]", []string{`code_attributes[2].key: duplicate key "a.code" (also code_attributes[0])`}, config.ErrDuplicateKey},
		{"code_attributes: unknown vendor", "code_attributes: [{key: a.code, vendor: zingel}]", []string{`code_attributes[0].vendor: unknown vendor "zingel"`}, config.ErrUnknownVendor},
		{"code_attributes: key under the prefix", "code_attributes: [error.catalog.code]", []string{`code_attributes[0].key: key is under output.prefix "error.catalog."`}, config.ErrKeyUnderPrefix},
		{"vendor_attributes: empty key", `vendor_attributes: [""]`, []string{"vendor_attributes[0]: key is required"}, config.ErrEmptyKey},
		{"vendor_attributes: key under the prefix", "vendor_attributes: [error.catalog.vendor]", []string{"vendor_attributes[0]: key is under output.prefix"}, config.ErrKeyUnderPrefix},
		{"host_attributes: duplicate key", "host_attributes: [url.full, url.full]", []string{`host_attributes[1]: duplicate key "url.full"`}, config.ErrDuplicateKey},
		{"host_attributes: key under a custom prefix", "output: {prefix: ec.}\nhost_attributes: [ec.host]", []string{`host_attributes[0]: key is under output.prefix "ec."`}, config.ErrKeyUnderPrefix},
		{"catalogs: none", "catalogs: {builtin: false}", []string{"catalogs: no catalog"}, config.ErrNoCatalog},
		{"catalogs: none, empty files", "catalogs: {builtin: false, files: []}", []string{"catalogs: no catalog"}, config.ErrNoCatalog},
		{"catalogs.files: empty path", `catalogs: {files: [""]}`, []string{"catalogs.files[0]: path is required"}, config.ErrEmptyFile},
		{"catalogs.files: blank path", `catalogs: {files: ["  "]}`, []string{"catalogs.files[0]: path is required"}, config.ErrEmptyFile},
		{"catalogs.reload_interval: negative", "catalogs: {reload_interval: -1s}", []string{"catalogs.reload_interval: must be zero (no reload) or positive"}, config.ErrReloadInterval},
		{"catalogs.reload_interval: a number without a unit", "catalogs: {reload_interval: 30}",
			[]string{"catalogs.reload_interval: too short: 30ns is shorter than 1ms", "write one, e.g. 30s"}, config.ErrReloadIntervalShort},
		{"catalogs.reload_interval: a microsecond", "catalogs: {reload_interval: 1us}", []string{"catalogs.reload_interval: too short"}, config.ErrReloadIntervalShort},
		{"output.attributes: empty list", "output: {attributes: []}", []string{"output.attributes: at least one attribute is required"}, config.ErrNoAttributes},
		{"output.attributes: duplicate", "output: {attributes: [class, category, class]}", []string{`output.attributes[2]: duplicate key "class" (also output.attributes[0])`}, config.ErrDuplicateKey},
		{"payloads: a list", "payloads: [log_body]", []string{"payloads"}, nil},
		{"payloads: unknown field", "payloads: {max_size: 10}", []string{"max_size"}, nil},
		{"payloads.max_bytes: a word", "payloads: {max_bytes: lots}", []string{"max_bytes"}, nil},
		{"payloads.max_bytes: zero", "payloads: {max_bytes: 0}", []string{"payloads.max_bytes: out of range: 0 (want 1 to 16777216)"}, config.ErrPayloadLimit},
		{"payloads.max_depth: too deep", "payloads: {max_depth: 10000}", []string{"payloads.max_depth: out of range: 10000 (want 1 to 32)"}, config.ErrPayloadLimit},
		{"payloads.max_keys: negative", "payloads: {max_keys: -1}", []string{"payloads.max_keys: out of range: -1"}, config.ErrPayloadLimit},
		{"payloads.string_attributes: duplicate", "payloads: {string_attributes: [a, a]}", []string{`payloads.string_attributes[1]: duplicate key "a"`}, config.ErrDuplicateKey},
		{"payloads.string_attributes: under the prefix", "payloads: {string_attributes: [error.catalog.body]}", []string{`payloads.string_attributes[0]: key is under output.prefix`}, config.ErrKeyUnderPrefix},
		{"text.max_bytes: zero", "text: {max_bytes: 0}", []string{"text.max_bytes: out of range: 0 (want 1 to 1048576)"}, config.ErrPayloadLimit},
		{"text.attributes: duplicate", "text: {attributes: [exception.message, exception.message]}", []string{`text.attributes[1]: duplicate key "exception.message"`}, config.ErrDuplicateKey},
		{"http_status_fallback: a word", "http_status_fallback: maybe", []string{"http_status_fallback"}, nil},
		{"error_type: a list", "error_type: [error.type]", []string{"error_type"}, nil},
		{"output.prefix: empty", `output: {prefix: ""}`, []string{"output.prefix: must be non-empty and end with"}, config.ErrPrefix},
		{"output.prefix: no dot", "output: {prefix: ec}", []string{"output.prefix: must be non-empty and end with"}, config.ErrPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(t, tt.block)
			require.Error(t, err)
			for _, m := range tt.msgs {
				assert.ErrorContains(t, err, m)
			}
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

// TestGoodConfigEdges checks values at the edge of what is accepted.
func TestGoodConfigEdges(t *testing.T) {
	for _, block := range []string{
		"",
		"catalogs: {reload_interval: 1ms}",
		"catalogs: {reload_interval: 0s}",
		"vendor_attributes: []\nhost_attributes: []",
		"code_attributes: [{key: x.code, vendor: YUNXIN}]",
		"output: {prefix: e.}",
	} {
		_, err := decode(t, block)
		assert.NoError(t, err, "%q", block)
	}
}

// catalogLines is a valid vendor catalog, one line per element, so a case
// can break one line and know its number (index + 1).
var catalogLines = []string{
	"format: errorcatalog/v1",     // 1
	"vendor:",                     // 2
	"  id: badco",                 // 3
	"  name: Bad Co",              // 4
	"  code_type: int",            // 5
	`  source: "test"`,            // 6
	`  version: "1"`,              // 7
	"entries:",                    // 8
	"  - code: 1",                 // 9
	"    name: One",               // 10
	"    category: server",        // 11
	"    class: INTERNAL",         // 12
	"    severity: error",         // 13
	"    retryable: true",         // 14
	"  - code: 2",                 // 15
	"    name: Two",               // 16
	"    category: validation",    // 17
	"    class: INVALID_ARGUMENT", // 18
	"    severity: warning",       // 19
	"    retryable: false",        // 20
}

// edit returns the catalog with line n (1-based) replaced by repl, which
// may hold several lines or none.
func edit(n int, repl ...string) string {
	lines := append([]string(nil), catalogLines[:n-1]...)
	lines = append(lines, repl...)
	lines = append(lines, catalogLines[n:]...)
	return strings.Join(lines, "\n") + "\n"
}

// editMany returns the catalog with the given lines replaced.
func editMany(repl map[int]string) string {
	lines := append([]string(nil), catalogLines...)
	for n, l := range repl {
		lines[n-1] = l
	}
	return strings.Join(lines, "\n") + "\n"
}

func writeCatalog(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// TestBadCatalogFiles gives the processor catalog files that are broken,
// each way a file can be: it is refused, and the message names the key,
// the file, the line and the entry.
func TestBadCatalogFiles(t *testing.T) {
	// want uses FILE for the catalog's path.
	tests := []struct {
		name    string
		content string
		want    []string
	}{
		// Syntax.
		{"empty", "", []string{"catalogs: FILE: empty file"}},
		{"comments only", "# a catalog\n# to be written\n", []string{"catalogs: FILE: empty file"}},
		{"syntax error", edit(12, "    class: [INTERNAL"), []string{"catalogs: FILE:", "invalid YAML"}},
		{"tab indentation", edit(10, "\tname: One"), []string{"catalogs: FILE:9: invalid YAML: found a tab character"}},
		{"binary garbage", "\x00\x01\x02\xff\xfe{[:", []string{"catalogs: FILE", "invalid YAML"}},
		{"two documents", edit(20, "    retryable: false", "---", "format: errorcatalog/v1"), []string{"catalogs: FILE:21: more than one YAML document"}},
		{"not a mapping", "- format\n- entries\n", []string{"catalogs: FILE:1: want a mapping"}},
		{"anchor and alias", edit(11, "    category: &cat server") + "  - code: 3\n    name: Three\n    category: *cat\n    class: INTERNAL\n    severity: error\n    retryable: true\n",
			[]string{"catalogs: FILE:11: YAML anchor &cat is not allowed", "FILE:23: YAML alias *cat is not allowed"}},
		{"billion laughs", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
			"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
			[]string{"catalogs: FILE:1: YAML anchor &a is not allowed", "FILE:2: YAML alias *a is not allowed"}},
		{"nesting", "format: errorcatalog/v1\nx: [[[[[[[[[[[[1]]]]]]]]]]]]\n", []string{"catalogs: FILE:2: nesting deeper than"}},
		{"too many YAML structures", strings.Repeat("-\n", 250_000), []string{"catalogs: FILE: file too complex"}},

		// The file's shape.
		{"missing format", edit(1), []string{"catalogs: FILE:1: missing format"}},
		{"unsupported format", edit(1, "format: errorcatalog/v2"), []string{`catalogs: FILE:1: unsupported format "errorcatalog/v2"`}},
		{"missing vendor", strings.Join(catalogLines[7:], "\n") + "\nformat: errorcatalog/v1\n", []string{"catalogs: FILE:1: missing vendor"}},
		{"unknown top-level field", edit(8, "extra: true", "entries:"), []string{`catalogs: FILE:8: unknown field "extra"`}},
		{"entries not a list", strings.Join(catalogLines[:7], "\n") + "\nentries: {}\n", []string{"catalogs: FILE:8: entries must be a list of entries"}},
		{"bad vendor id", edit(3, "  id: Bad Co!"), []string{`catalogs: FILE:3: vendor: id "Bad Co!" must match`}},
		{"unknown code_type", edit(5, "  code_type: float"), []string{`catalogs: FILE:5: vendor: unknown code_type "float"`}},

		// Entries: each problem names the entry by its code.
		{"unknown category", edit(17, "    category: sideways"), []string{`catalogs: FILE:17: entry 2: unknown category "sideways"`}},
		{"category unknown", edit(17, "    category: unknown"), []string{"catalogs: FILE:17: entry 2: category unknown is reserved"}},
		{"unknown class", edit(18, "    class: BROKEN"), []string{`catalogs: FILE:18: entry 2: unknown class "BROKEN"`}},
		{"unknown severity", edit(19, "    severity: fatal"), []string{`catalogs: FILE:19: entry 2: unknown severity "fatal"`}},
		{"success with an error class", edit(11, "    category: success"), []string{"catalogs: FILE:9: entry 1: category success requires class OK, got INTERNAL"}},
		{"server fault as a warning", edit(13, "    severity: warning"), []string{"catalogs: FILE:9: entry 1: category server requires severity error or critical, got warning"}},
		{"http_status out of range", edit(14, "    retryable: true", "    http_status: 999"), []string{"catalogs: FILE:15: entry 1: http_status 999 outside 100..599"}},
		{"empty name", edit(16, `    name: ""`), []string{"catalogs: FILE:16: entry 2: empty name"}},
		{"unknown entry field", edit(16, "    name: Two", "    colour: red"), []string{`catalogs: FILE:17: entry 2: unknown field "colour"`}},
		{"duplicate code", edit(15, "  - code: 1"), []string{"catalogs: FILE:15: entry 1: duplicate code"}},
		{"string code in an int vendor", edit(15, "  - code: ERR_TWO"), []string{"catalogs: FILE:15: entry ERR_TWO: code is a string, but vendor badco has code_type int"}},
		{"int codes in a string vendor", edit(5, "  code_type: string"), []string{"catalogs: FILE:9: entry 1: code is an integer", "FILE:15: entry 2: code is an integer"}},
		{"code with spaces in a string vendor", editMany(map[int]string{5: "  code_type: string", 9: "  - code: ERR_ONE", 15: `  - code: "ERR TWO"`}),
			[]string{`catalogs: FILE:15: entry "ERR TWO":`}},

		// Clashes with the built-in catalog.
		{"vendor defined twice", edit(3, "  id: zingle"), []string{"catalogs: FILE:2: vendor: vendor zingle already defined at"}},
		{"alias of another vendor", edit(3, "  id: badco", "  aliases: [yunxin]"), []string{`catalogs: FILE:2: vendor: alias "yunxin" already names vendor netease_im`}},
		{"host pattern of another vendor", edit(3, "  id: badco", `  hosts: ["*.zingle.me"]`), []string{`catalogs: FILE:2: vendor: host pattern "*.zingle.me" already belongs to vendor zingle`}},
		{"override of an unknown vendor", "format: errorcatalog/v1\noverrides: nobody\n" + strings.Join(catalogLines[7:], "\n") + "\n",
			[]string{`catalogs: FILE:2: overrides "nobody": no such vendor`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCatalog(t, t.TempDir(), "bad.yaml", tt.content)
			cfg := config.Default()
			cfg.Catalogs.Files = []string{path}
			err := cfg.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, config.ErrCatalog)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, strings.ReplaceAll(w, "FILE", path))
			}
			// Every line of the message names the file: the operator can go
			// straight to each problem.
			for _, line := range strings.Split(err.Error(), "\n") {
				assert.Contains(t, line, path, "a line of the message that does not name the file")
			}
		})
	}
}

// TestCatalogSizeLimit checks the 4 MiB limit at its edge: a valid catalog
// of exactly MaxFileSize bytes loads, one byte more is refused before it is
// parsed.
func TestCatalogSizeLimit(t *testing.T) {
	dir := t.TempDir()
	valid := strings.Join(catalogLines, "\n") + "\n"
	pad := catalog.MaxFileSize - len(valid) - len("# \n")
	exact := writeCatalog(t, dir, "exact.yaml", valid+"# "+strings.Repeat("x", pad)+"\n")
	over := writeCatalog(t, dir, "over.yaml", valid+"# "+strings.Repeat("x", pad+1)+"\n")
	st, err := os.Stat(exact)
	require.NoError(t, err)
	require.EqualValues(t, catalog.MaxFileSize, st.Size())

	cfg := config.Default()
	cfg.Catalogs.Files = []string{exact}
	assert.NoError(t, cfg.Validate())

	cfg.Catalogs.Files = []string{over}
	err = cfg.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, catalog.ErrFileTooLarge)
	assert.ErrorContains(t, err, "catalogs: "+over+": file too large: more than 4194304 bytes (4 MiB)")

	// A sparse file claiming far more than the limit is refused without
	// being read.
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<40))
	require.NoError(t, f.Close())
	cfg.Catalogs.Files = []string{huge}
	assert.ErrorIs(t, cfg.Validate(), catalog.ErrFileTooLarge)
}

// TestCatalogFilesThatCannotBeRead points catalogs.files at paths that do
// not lead to a readable regular file. Each is refused with the position
// in the list and the path, without blocking.
func TestCatalogFilesThatCannotBeRead(t *testing.T) {
	dir := t.TempDir()
	good := writeCatalog(t, dir, "good.yaml", strings.Join(catalogLines, "\n")+"\n")
	fifo := filepath.Join(dir, "fifo.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	dangling := filepath.Join(dir, "dangling.yaml")
	require.NoError(t, os.Symlink(filepath.Join(dir, "gone.yaml"), dangling))
	loop := filepath.Join(dir, "loop.yaml")
	require.NoError(t, os.Symlink(loop, loop))

	tests := []struct {
		name string
		path string
		want string
		is   error
	}{
		{"missing", filepath.Join(dir, "missing.yaml"), "catalogs.files[1]: stat DIR/missing.yaml: no such file or directory", os.ErrNotExist},
		{"directory", dir, "catalogs.files[1]: DIR is a directory, not a catalog file", nil},
		{"named pipe", fifo, "catalogs.files[1]: not a regular file: DIR/fifo.yaml is a named pipe (FIFO), not a catalog file", config.ErrNotRegularFile},
		{"device", os.DevNull, "catalogs.files[1]: not a regular file: /dev/null is a device, not a catalog file", config.ErrNotRegularFile},
		{"dangling symlink", dangling, "catalogs.files[1]: stat DIR/dangling.yaml: no such file or directory", os.ErrNotExist},
		{"symlink loop", loop, "catalogs.files[1]: stat DIR/loop.yaml: too many levels of symbolic links", nil},
		{"path through a file", filepath.Join(good, "x.yaml"), "catalogs.files[1]: stat DIR/good.yaml/x.yaml: not a directory", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Catalogs.Files = []string{good, tt.path}
			err := validateWithin(t, cfg)
			require.Error(t, err)
			assert.ErrorContains(t, err, strings.ReplaceAll(tt.want, "DIR", dir))
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.NotContains(t, err.Error(), "catalogs.files[0]", "the good file is not blamed")
		})
	}
}

// validateWithin runs Validate and fails the test if it blocks.
func validateWithin(t *testing.T, cfg *config.Config) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cfg.Validate() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Validate blocked")
		return nil
	}
}

// TestUnreadableCatalog makes the catalog file, then its directory,
// unreadable. A process without the right to read it is refused with the
// file named; root reads any file whatever its mode, so when the tests run
// as root the same files load, and the test says so.
func TestUnreadableCatalog(t *testing.T) {
	root := os.Geteuid() == 0
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked")
	require.NoError(t, os.Mkdir(locked, 0o700))
	file := writeCatalog(t, dir, "unreadable.yaml", strings.Join(catalogLines, "\n")+"\n")
	inLocked := writeCatalog(t, locked, "catalog.yaml", strings.Join(catalogLines, "\n")+"\n")
	require.NoError(t, os.Chmod(file, 0))
	require.NoError(t, os.Chmod(locked, 0))
	t.Cleanup(func() { _ = os.Chmod(locked, 0o700) })

	tests := []struct {
		path string
		want string
	}{
		{file, "catalogs: " + file + ": cannot read catalog: permission denied"},
		{inLocked, "catalogs.files[0]: stat " + inLocked + ": permission denied"},
	}
	for _, tt := range tests {
		cfg := config.Default()
		cfg.Catalogs.Files = []string{tt.path}
		err := cfg.Validate()
		if root {
			t.Logf("running as root: %s is readable whatever its mode", tt.path)
			assert.NoError(t, err)
			continue
		}
		require.Error(t, err)
		assert.ErrorContains(t, err, tt.want)
		assert.ErrorIs(t, err, os.ErrPermission)
	}
}

// TestGoodCatalogsNextToBadOnes checks that a configuration is refused as a
// whole: good files next to a bad one do not make it start with part of
// the catalog, and every bad file is named at once.
func TestGoodCatalogsNextToBadOnes(t *testing.T) {
	dir := t.TempDir()
	good := writeCatalog(t, dir, "good.yaml", strings.Join(catalogLines, "\n")+"\n")
	bad1 := writeCatalog(t, dir, "bad1.yaml", edit(17, "    category: sideways"))
	bad2 := writeCatalog(t, dir, "bad2.yaml", strings.ReplaceAll(edit(19, "    severity: fatal"), "badco", "badco2"))
	cfg := config.Default()
	cfg.Catalogs.Files = []string{good, bad1, bad2}
	err := cfg.Validate()
	require.Error(t, err)
	assert.ErrorContains(t, err, bad1+":17: entry 2: unknown category")
	assert.ErrorContains(t, err, bad2+":19: entry 2: unknown severity")
	_, err = cfg.LoadCatalog()
	assert.Error(t, err, "no partial catalog")
}

// TestRefusedConfigNeverStarts creates the processor through its factory,
// as the collector does, with configurations Validate refuses, in case a
// distribution skipped validation or a file broke in between: Start fails,
// no goroutine is left behind, and nothing is enriched.
func TestRefusedConfigNeverStarts(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	bad := writeCatalog(t, dir, "bad.yaml", edit(17, "    category: sideways"))
	factory := errorcatalogprocessor.NewFactory()
	tests := []struct {
		name string
		mod  func(*config.Config)
		want string
	}{
		{"broken catalog", func(c *config.Config) { c.Catalogs.Files = []string{bad} }, bad + ":17: entry 2: unknown category"},
		{"missing catalog", func(c *config.Config) { c.Catalogs.Files = []string{filepath.Join(dir, "missing.yaml")} }, "no such file or directory"},
		{"no catalog", func(c *config.Config) { c.Catalogs.Builtin = false }, "no catalog"},
		{"bound to an unknown vendor", func(c *config.Config) {
			c.CodeAttributes = []config.CodeAttribute{{Key: "x.code", Vendor: "nobody"}}
		}, `code_attributes[0].vendor: unknown vendor "nobody"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := factory.CreateDefaultConfig().(*config.Config)
			cfg.Catalogs.ReloadInterval = 10 * time.Millisecond
			tt.mod(cfg)
			require.Error(t, confmap.Validate(cfg))

			sink := new(consumertest.LogsSink)
			p, err := factory.CreateLogs(context.Background(), processortest.NewNopSettings(factory.Type()), cfg, sink)
			require.NoError(t, err)
			err = p.Start(context.Background(), componenttest.NewNopHost())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}
