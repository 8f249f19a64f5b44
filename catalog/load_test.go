package catalog

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// writeFile writes a catalog file into a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func vendorIDsOf(c *Catalog) []string {
	var ids []string
	for _, vc := range c.Vendors {
		ids = append(ids, vc.Vendor.ID)
	}
	return ids
}

func TestLoadMergesAndOverrides(t *testing.T) {
	c, err := Load(true, []string{"testdata/speakap_override.yaml", "testdata/acme.yaml", "testdata/chatco.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(vendorIDsOf(c), ","), "speakap,zingle,cometchat,netease_im,fonedynamics,acme,chatco"; got != want {
		t.Errorf("vendors %s, want %s", got, want)
	}
	if got, want := len(c.Entries()), 460+1+3+2; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
	speakap := c.Vendors[0]
	// -3 is replaced where it stood; -99 is added at the end.
	e := speakap.Entries[2]
	if e.Code != "-3" || e.Name != "Scope Missing" || e.Severity != SeverityError || e.File != "testdata/speakap_override.yaml" || e.Line != 6 || e.Vendor != speakap.Vendor {
		t.Errorf("overridden -3 = %+v", *e)
	}
	last := speakap.Entries[len(speakap.Entries)-1]
	if last.Code != "-99" || last.IntCode != -99 || last.Vendor != speakap.Vendor || last.Category != CategoryPrecondition {
		t.Errorf("added entry = %+v", *last)
	}
	for _, e := range c.Entries() {
		if e.Vendor == nil || e.File == "" || e.Line == 0 {
			t.Fatalf("entry %s lacks vendor or position: %+v", e.Code, *e)
		}
	}
}

func TestLoadLaterOverrideWins(t *testing.T) {
	first := writeFile(t, "a.yaml", "format: errorcatalog/v1\noverrides: acme\nentries:\n"+entry("1", "name: First")+entry("5", "name: Five"))
	second := writeFile(t, "b.yaml", "format: errorcatalog/v1\noverrides: ACMECORP\nentries:\n"+entry("1", "name: Second"))
	// The override files come before the file defining their vendor.
	c, err := Load(false, []string{first, second, "testdata/acme.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range c.Entries() {
		names = append(names, e.Code+"="+e.Name)
	}
	if got, want := strings.Join(names, " "), "1=Second 403=Forbidden 7001=Backend Down 5=Five"; got != want {
		t.Errorf("entries %s, want %s", got, want)
	}
}

func TestLoadEmpty(t *testing.T) {
	c, err := Load(false, nil)
	if err != nil || len(c.Vendors) != 0 {
		t.Fatalf("Load(false, nil) = %v, %v", c, err)
	}
}

func TestLoadErrors(t *testing.T) {
	builtinIDs := "speakap, zingle, cometchat, netease_im, fonedynamics"
	vendorDoc := func(id, extra string) string {
		return "format: errorcatalog/v1\nvendor:\n  id: " + id + "\n  name: X\n  code_type: int\n" + extra + "entries:\n" + entry("1")
	}
	tests := []struct {
		name    string
		builtin bool
		files   map[string]string // name -> content; "testdata/..." keys are used as they are
		order   []string
		want    string // with $DIR for the temporary directory
	}{
		{
			name: "vendor defined twice", builtin: true,
			order: []string{"testdata/acme.yaml", "testdata/acme.yaml"},
			want:  "testdata/acme.yaml:4: vendor: vendor acme already defined at testdata/acme.yaml:4",
		},
		{
			name: "built-in vendor defined again", builtin: true,
			files: map[string]string{"s.yaml": vendorDoc("speakap", "")}, order: []string{"s.yaml"},
			want: "$DIR/s.yaml:2: vendor: vendor speakap already defined at builtin/speakap.yaml:6",
		},
		{
			name: "id is another vendor's alias", builtin: true,
			files: map[string]string{"y.yaml": vendorDoc("yunxin", "")}, order: []string{"y.yaml"},
			want: "$DIR/y.yaml:2: vendor: id yunxin is already an alias of vendor netease_im (builtin/netease_im.yaml:6)",
		},
		{
			name: "alias names another vendor", builtin: true,
			files: map[string]string{"a.yaml": vendorDoc("acme", "  aliases: [CometChat]\n")}, order: []string{"a.yaml"},
			want: `$DIR/a.yaml:2: vendor: alias "CometChat" already names vendor cometchat (builtin/cometchat.yaml:6)`,
		},
		{
			name: "host pattern of another vendor", builtin: true,
			files: map[string]string{"a.yaml": vendorDoc("acme", "  hosts: ['*.NetEase.im']\n")}, order: []string{"a.yaml"},
			want: `$DIR/a.yaml:2: vendor: host pattern "*.NetEase.im" already belongs to vendor netease_im (builtin/netease_im.yaml:6)`,
		},
		{
			name: "override of an unknown vendor", builtin: true,
			files: map[string]string{"o.yaml": "format: errorcatalog/v1\noverrides: nope\nentries:\n" + entry("1")}, order: []string{"o.yaml"},
			want: `$DIR/o.yaml:2: overrides "nope": no such vendor (want a vendor id or alias: ` + builtinIDs + `)`,
		},
		{
			name: "override with no vendors loaded", builtin: false,
			files: map[string]string{"o.yaml": "format: errorcatalog/v1\noverrides: speakap\nentries:\n" + entry("1")}, order: []string{"o.yaml"},
			want: `$DIR/o.yaml:2: overrides "speakap": no such vendor (want a vendor id or alias: none loaded)`,
		},
		{
			name: "override code of the wrong shape", builtin: true,
			files: map[string]string{"o.yaml": "format: errorcatalog/v1\noverrides: speakap\nentries:\n" + entry("ERR_X") + entry("-3")}, order: []string{"o.yaml"},
			want: "$DIR/o.yaml:4: entry ERR_X: code is a string, but vendor speakap has code_type int",
		},
		{
			name: "override int code in a string vendor", builtin: true,
			files: map[string]string{"o.yaml": "format: errorcatalog/v1\noverrides: cometchat\nentries:\n" + entry("42")}, order: []string{"o.yaml"},
			want: "$DIR/o.yaml:4: entry 42: code is an integer, but vendor cometchat has code_type string",
		},
		{
			name: "missing file", builtin: true,
			order: []string{"testdata/no-such-file.yaml"},
			want:  "testdata/no-such-file.yaml: cannot read catalog: no such file or directory",
		},
		{
			name: "directory", builtin: true,
			order: []string{"testdata"},
			want:  "testdata: cannot read catalog: is a directory",
		},
		{
			name: "problems of every file", builtin: true,
			files: map[string]string{"b.yaml": intHead + entry("1", "class: OK")},
			order: []string{"testdata/broken.yaml", "b.yaml"},
			want: `testdata/broken.yaml:9: entry 1: unknown category "auth" (want one of authentication, authorization, validation, not_found, conflict, precondition, rate_limit, quota, policy, timeout, unavailable, network, server, unsupported, success)` + "\n" +
				"testdata/broken.yaml:12: entry ERR_TWO: code is a string, but vendor broken has code_type int\n" +
				"$DIR/b.yaml:7: entry 1: class OK is only for category success, got validation",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for _, name := range tt.order {
				if content, ok := tt.files[name]; ok {
					p := filepath.Join(dir, name)
					if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
						t.Fatal(err)
					}
					name = p
				}
				paths = append(paths, name)
			}
			c, err := Load(tt.builtin, paths)
			if err == nil {
				t.Fatalf("no error; loaded %v", vendorIDsOf(c))
			}
			if want := strings.ReplaceAll(tt.want, "$DIR", dir); err.Error() != want {
				t.Errorf("error:\n%s\nwant:\n%s", err, want)
			}
		})
	}
}

func TestLoadFileNotFoundIs(t *testing.T) {
	_, err := LoadFile("testdata/no-such-file.yaml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadFileTooLarge(t *testing.T) {
	// A sparse file is refused from its size, before anything is read.
	p := filepath.Join(t.TempDir(), "big.yaml")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := fh.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	_, err = LoadFile(p)
	if !errors.Is(err, ErrFileTooLarge) || err.Error() != p+": file too large: more than 4194304 bytes (4 MiB)" {
		t.Errorf("err = %v", err)
	}
	// Exactly the limit is accepted as far as size goes (it is not valid YAML).
	if err := os.Truncate(p, MaxFileSize); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(p); errors.Is(err, ErrFileTooLarge) {
		t.Errorf("file of exactly MaxFileSize refused: %v", err)
	}
}

// TestLoadFileTooLargeStream checks the bounded read: a pipe has no size to
// stat, and its writer offers more than the limit.
func TestLoadFileTooLargeStream(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		chunk := []byte(strings.Repeat("# filler\n", 1<<10))
		for written := 0; written <= 2*MaxFileSize; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the reader stopped reading: expected
			}
		}
	})
	_, err := LoadFile(p)
	wg.Wait()
	if !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("err = %v, want ErrFileTooLarge", err)
	}
}

// TestBuiltinCopies checks that every Builtin call returns a catalog of its
// own: indexes built concurrently from two calls share no Vendor.
func TestBuiltinCopies(t *testing.T) {
	a, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if a.Vendors[0].Vendor == b.Vendors[0].Vendor || a.Vendors[0].Entries[0] == b.Vendors[0].Entries[0] {
		t.Fatal("Builtin returned shared vendors or entries")
	}
	a.Vendors[0].Entries[0].Name = "changed"
	a.Vendors[0].Vendor.Aliases = append(a.Vendors[0].Vendor.Aliases, "changed")
	c, _ := Builtin()
	if c.Vendors[0].Entries[0].Name == "changed" || len(c.Vendors[0].Vendor.Aliases) != len(b.Vendors[0].Vendor.Aliases) {
		t.Fatal("a change to one Builtin result shows in another")
	}
	var wg sync.WaitGroup
	for _, cat := range []*Catalog{b, c} {
		wg.Go(func() {
			ix := NewIndex(cat)
			for range 100 {
				if _, ok := ix.Lookup(ix.Vendors()[3], IntCode(403)); !ok {
					t.Error("NetEase 403 not found")
					return
				}
			}
		})
	}
	wg.Wait()
}
