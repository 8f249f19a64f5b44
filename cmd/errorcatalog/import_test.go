package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}

// writeTemp writes content to a file in a new temporary directory.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportSpreadsheet imports what a spreadsheet writes: a UTF-8 BOM,
// CRLF line ends, headers in any case and order with spaces around them,
// TRUE/FALSE, an empty row, a quoted cell spanning two lines, text YAML
// would misread unquoted, and a zero-padded integer code.
func TestImportSpreadsheet(t *testing.T) {
	args := []string{"import", "--vendor", "acme_billing", "--name", "Acme Billing",
		"--hosts", "*.acme.example, api.acme.test", "--hosts", "pay.acme.test", "--source", "Acme error codes sheet",
		"testdata/import/spreadsheet.csv"}
	code, out, errOut := runCLI(t, args...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	golden(t, "testdata/import/spreadsheet.yaml", out)

	// -o writes the same, and nothing to stdout.
	dest := filepath.Join(t.TempDir(), "acme.yaml")
	code, stdout, errOut := runCLI(t, append(args[:len(args)-1:len(args)-1], "-o", dest, args[len(args)-1])...)
	if code != 0 || stdout != "" || errOut != "" {
		t.Fatalf("-o: exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	written, err := os.ReadFile(dest)
	if err != nil || string(written) != out {
		t.Errorf("-o wrote %q (%v), want the stdout output", written, err)
	}
	if code, _, errOut := runCLI(t, "lint", dest); code != 0 {
		t.Errorf("lint of the output: exit %d: %s", code, errOut)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("output directory holds %d files, want only the catalog", len(entries))
	}
}

// TestImportRoundTrip exports catalogs as CSV and imports them back: every
// entry comes back with every field.
func TestImportRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		vendor   string   // exported with export --vendor
		catalogs []string // export --catalog
		file     string   // where the vendor is defined
		extra    []string // import flags
		codeType string
	}{
		{"int codes", "acme", []string{testdata + "acme.yaml"}, testdata + "acme.yaml", nil, "int"},
		{"string codes", "chatco", []string{testdata + "chatco.yaml"}, testdata + "chatco.yaml", nil, "string"},
		// A built-in vendor clashes with itself unless checked alone.
		{"built-in", "zingle", nil, "../../catalog/builtin/zingle.yaml", []string{"--builtin=false"}, "int"},
		{"built-in symbolic", "cometchat", nil, "../../catalog/builtin/cometchat.yaml", []string{"--builtin=false"}, "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"export", "--format", "csv", "--vendor", tt.vendor}
			for _, c := range tt.catalogs {
				args = append(args, "--catalog", c)
			}
			code, csvText, errOut := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, errOut)
			}
			in := writeTemp(t, tt.vendor+".csv", csvText)
			want, err := catalog.LoadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			dest := filepath.Join(t.TempDir(), "out.yaml")
			code, _, errOut = runCLI(t, append(append([]string{"import", "--name", want.Vendor.Name, "-o", dest}, tt.extra...), in)...)
			if code != 0 {
				t.Fatalf("import: exit %d: %s", code, errOut)
			}
			got, err := catalog.LoadFile(dest)
			if err != nil {
				t.Fatal(err)
			}
			if got.Vendor.ID != tt.vendor || got.Vendor.Name != want.Vendor.Name || got.Vendor.CodeType.String() != tt.codeType {
				t.Errorf("vendor %s %q %s, want %s %q %s", got.Vendor.ID, got.Vendor.Name, got.Vendor.CodeType, tt.vendor, want.Vendor.Name, tt.codeType)
			}
			if diff := cmp.Diff(exported(want.Entries), exported(got.Entries)); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

// exported is what the CSV export holds of entries.
func exported(entries []*catalog.Entry) [][]string {
	var buf bytes.Buffer
	list := make([]*catalog.Entry, len(entries))
	for i, e := range entries {
		c := *e
		c.Vendor = &catalog.Vendor{ID: "v"}
		list[i] = &c
	}
	if err := catalog.WriteCSV(&buf, list); err != nil {
		panic(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		panic(err)
	}
	return rows
}

// TestImportColumnsAreExports keeps the import columns those of the export.
func TestImportColumnsAreExports(t *testing.T) {
	code, out, _ := runCLI(t, "export", "--format", "csv", "--vendor", "zingle")
	header, _, _ := strings.Cut(out, "\n")
	if code != 0 || header != strings.Join(importColumns, ",") {
		t.Errorf("export header %q, import columns %v", header, importColumns)
	}
}

func TestImportVendor(t *testing.T) {
	const header = "vendor,code,name,category,class,severity\n"
	row := func(vendor, code string) string {
		return vendor + "," + code + ",N" + code + ",validation,INVALID_ARGUMENT,warning\n"
	}
	tests := []struct {
		name  string
		csv   string
		args  []string
		id    string
		codes []string
	}{
		{"one vendor in the column", header + row("acme", "1") + row("acme", "2"), nil, "acme", []string{"1", "2"}},
		{"empty cells are the file's vendor", header + row("acme", "1") + row("", "2"), nil, "acme", []string{"1", "2"}},
		{"--vendor picks rows", header + row("acme", "1") + row("other", "2") + row("", "3"), []string{"--vendor", "other"}, "other", []string{"2", "3"}},
		{"--vendor matches case-insensitively", header + row("Other", "2"), []string{"--vendor", "other"}, "other", []string{"2"}},
		{"no vendor column", "code,name,category,class,severity\n1,N1,validation,INVALID_ARGUMENT,warning\n", []string{"--vendor", "acme"}, "acme", []string{"1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeTemp(t, "in.csv", tt.csv)
			dest := filepath.Join(t.TempDir(), "out.yaml")
			code, _, errOut := runCLI(t, append(append([]string{"import", "-o", dest}, tt.args...), in)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			f, err := catalog.LoadFile(dest)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, e := range f.Entries {
				codes = append(codes, e.Code)
			}
			if f.Vendor.ID != tt.id || f.Vendor.Name != tt.id || !slices.Equal(codes, tt.codes) {
				t.Errorf("vendor %s (%s), codes %v; want %s, %v", f.Vendor.ID, f.Vendor.Name, codes, tt.id, tt.codes)
			}
		})
	}
}

func TestImportTSV(t *testing.T) {
	in := writeTemp(t, "in.tsv", "code\tname\tcategory\tclass\tseverity\tdescription\nE1\tBad, really\tvalidation\tINVALID_ARGUMENT\twarning\t\"tab\there\"\n")
	code, out, errOut := runCLI(t, "import", "--format", "tsv", "--vendor", "acme", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := catalog.Parse("out.yaml", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if e := f.Entries[0]; e.Code != "E1" || e.Name != "Bad, really" || e.Description != "tab\there" || f.Vendor.CodeType != catalog.CodeTypeString {
		t.Errorf("entry %+v", e)
	}
}

func TestImportStdin(t *testing.T) {
	in := writeTemp(t, "in.csv", "code,name,category,class,severity\n7,Seven,validation,INVALID_ARGUMENT,warning\n")
	fh, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	stdin := os.Stdin
	os.Stdin = fh
	defer func() { os.Stdin = stdin }()
	code, out, errOut := runCLI(t, "import", "--vendor", "acme", "-")
	if code != 0 || !strings.HasPrefix(out, "# Imported from <stdin> by errorcatalog import.\n") || !strings.Contains(out, "  - code: 7\n") {
		t.Errorf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
}

func TestImportProblems(t *testing.T) {
	const head = "code,name,category,class,severity,retryable,http_status,description\n"
	const known = "(known columns: vendor, code, name, category, class, severity, retryable, http_status, description, section)"
	tests := []struct {
		name string
		csv  string
		args []string // before the file; --vendor acme unless given
		want string   // stderr, with FILE for the input's path
	}{
		{"empty file", "", nil, "FILE: empty file (want a header row naming the columns: vendor, code, name, category, class, severity, retryable, http_status, description, section)\n"},
		{"BOM only", "\ufeff", nil, "FILE: empty file (want a header row naming the columns: vendor, code, name, category, class, severity, retryable, http_status, description, section)\n"},
		{"header only", head, nil, "FILE:1: no data rows after the header\n"},
		{"blank rows only", head + ",,,,,,,\n \n", nil, "FILE:1: no data rows after the header\n"},
		{"unknown column", "Code,Name,Category,Class,Severity,Colour\n", nil, `FILE:1: unknown column "Colour" ` + known + "\n"},
		{"unnamed column", "code,name,category,class,severity,\n", nil, "FILE:1: column 6 has no name " + known + "\n"},
		{"repeated column", "code,name,NAME,category,class,severity\n", nil, "FILE:1: column name repeated (columns 2 and 3)\n"},
		{"missing columns", "code,name,class\n", nil, "FILE:1: missing columns category, severity (every entry needs code, name, category, class, severity)\n"},
		{"ragged row", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n2,B,validation\n", nil, "FILE:3: 3 fields, but the header (line 1) has 8\n"},
		{"invalid CSV", head + "1,\"A\"x,validation,INVALID_ARGUMENT,warning,false,,\n", nil, "FILE:2: invalid CSV: extraneous or missing \" in quoted-field (column 5)\n"},
		{"invalid UTF-8", head + "1,Caf\xe9,validation,INVALID_ARGUMENT,warning,false,,\n", nil, "FILE:2: not valid UTF-8 (save the spreadsheet as CSV UTF-8)\n"},
		{"empty code", head + " ,A,validation,INVALID_ARGUMENT,warning,false,,\n", nil, "FILE:2: column code: empty (every row needs a code)\n"},
		{"duplicate integer codes", head + "7,A,validation,INVALID_ARGUMENT,warning,false,,\n8,B,validation,INVALID_ARGUMENT,warning,false,,\n007,C,validation,INVALID_ARGUMENT,warning,false,,\n", nil,
			`FILE:4: column code: duplicate code "007" (first at line 2; integer codes match by value: 7)` + "\n"},
		{"duplicate symbolic codes", head + "ERR_X,A,validation,INVALID_ARGUMENT,warning,false,,\nerr_x,B,validation,INVALID_ARGUMENT,warning,false,,\n", nil,
			`FILE:3: column code: duplicate code "err_x" (first at line 2; codes match case-insensitively)` + "\n"},
		{"stray symbol among integers", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n2,B,validation,INVALID_ARGUMENT,warning,false,,\nE3,C,validation,INVALID_ARGUMENT,warning,false,,\n", nil,
			`FILE:4: column code: "E3" is not an integer, unlike most codes here (code_type int; --code-type string if the codes are symbolic)` + "\n"},
		{"stray integer among symbols", head + "E1,A,validation,INVALID_ARGUMENT,warning,false,,\nE2,B,validation,INVALID_ARGUMENT,warning,false,,\n3,C,validation,INVALID_ARGUMENT,warning,false,,\n", nil,
			"FILE:4: column code: 3 is an integer, unlike most codes here (code_type string: symbolic codes start with a letter)\n"},
		{"--code-type int", head + "E1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{"--vendor", "acme", "--code-type", "int"},
			`FILE:2: column code: "E1" is not a decimal integer within int64 (--code-type int)` + "\n"},
		{"--code-type string", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{"--vendor", "acme", "--code-type", "string"},
			"FILE:2: column code: code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most 128 characters)\n"},
		{"bad symbolic code", head + "E 1,A,validation,INVALID_ARGUMENT,warning,false,,\n", nil,
			"FILE:2: column code: code must match ^[A-Za-z][A-Za-z0-9_.-]*$ (at most 128 characters)\n"},
		{"cells", head + "1,A,validation,INVALID_ARGUMENT,warning,maybe,,\n2,B,validation,INVALID_ARGUMENT,warning,,4O4,\n", nil,
			"FILE:2: column retryable: \"maybe\": want true or false\n" +
				"FILE:3: column http_status: \"4O4\": want an HTTP status, 100 to 599, or nothing\n"},
		{"catalog rules, by line and column", head +
			"1,,validation,INVALID_ARGUMENT,warning,false,,\n" +
			"2,B,\"valid\nation\",INVALID_ARGUMENT,warning,false,,\n" +
			"3,\"C\non two lines\",auth,INVALID_ARGUMENT,warning,false,,\n" +
			"4,D,success,INVALID_ARGUMENT,info,false,,\n" +
			"5,E,server,INTERNAL,warning,true,,\n" +
			"6,F,validation,Invalid_Argument,warning,false,,\n", nil,
			"FILE:2: column name: empty name\n" +
				"FILE:3: column category: unknown category \"valid\\nation\" (want one of authentication, authorization, validation, not_found, conflict, precondition, rate_limit, quota, policy, timeout, unavailable, network, server, unsupported, success)\n" +
				"FILE:6: column category: unknown category \"auth\" (want one of authentication, authorization, validation, not_found, conflict, precondition, rate_limit, quota, policy, timeout, unavailable, network, server, unsupported, success)\n" +
				"FILE:7: entry 4: category success requires class OK, got INVALID_ARGUMENT\n" +
				"FILE:8: entry 5: category server requires severity error or critical, got warning\n" +
				"FILE:9: column class: unknown class \"Invalid_Argument\" (want one of OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED)\n"},
		{"no vendor", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{}, "FILE: no vendor: name it with --vendor (or add a vendor column)\n"},
		{"empty vendor column", "vendor,code,name,category,class,severity\n,1,A,validation,INVALID_ARGUMENT,warning\n", []string{},
			"FILE: no vendor: the vendor column is empty; name the vendor with --vendor\n"},
		{"several vendors", "vendor,code,name,category,class,severity\nacme,1,A,validation,INVALID_ARGUMENT,warning\nzeta,2,B,validation,INVALID_ARGUMENT,warning\n", []string{},
			"FILE: rows of 2 vendors (acme, zeta): a catalog file holds one; pick it with --vendor\n"},
		{"--vendor not in the column", "vendor,code,name,category,class,severity\nzeta,1,A,validation,INVALID_ARGUMENT,warning\n", nil,
			`FILE: no rows of vendor "acme" (the vendor column names zeta)` + "\n"},
		{"vendor fields", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{"--vendor", "Acme", "--name", " ", "--hosts", "*.com,ok.example"},
			`FILE: vendor id (from --vendor): id "Acme" must match [a-z][a-z0-9_]* (at most 128 characters)` + "\n" +
				"FILE: vendor name (from --name): empty name\n" +
				`FILE: vendor hosts (from --hosts): host pattern "*.com" would match a whole top-level domain` + "\n"},
		{"vendor id from the column", "vendor,code,name,category,class,severity\nAcme Inc,1,A,validation,INVALID_ARGUMENT,warning\n", []string{},
			`FILE: vendor id (from the vendor column): id "Acme Inc" must match [a-z][a-z0-9_]* (at most 128 characters)` + "\n"},
		{"built-in vendor", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{"--vendor", "zingle"},
			"FILE: vendor zingle already defined at builtin/zingle.yaml:6\n" +
				"FILE: the catalog is checked with the built-in vendor catalogs, as the processor loads it; --builtin=false checks it alone\n"},
		{"built-in host", head + "1,A,validation,INVALID_ARGUMENT,warning,false,,\n", []string{"--vendor", "acme", "--hosts", "*.ZINGLE.me"},
			`FILE: host pattern "*.ZINGLE.me" already belongs to vendor zingle (builtin/zingle.yaml:6)` + "\n" +
				"FILE: the catalog is checked with the built-in vendor catalogs, as the processor loads it; --builtin=false checks it alone\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := writeTemp(t, "in.csv", tt.csv)
			args := tt.args
			if args == nil {
				args = []string{"--vendor", "acme"}
			}
			// An existing output file is left as it was.
			dest := writeTemp(t, "out.yaml", "previous\n")
			code, out, errOut := runCLI(t, append(append([]string{"import", "-o", dest}, args...), in)...)
			if want := strings.ReplaceAll(tt.want, "FILE", in); code != 1 || out != "" || errOut != want {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, out, errOut, want)
			}
			if got, _ := os.ReadFile(dest); string(got) != "previous\n" {
				t.Errorf("output file changed to %q", got)
			}
			if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
				t.Errorf("a temporary file was left next to the output")
			}
		})
	}
}

func TestImportInputErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, catalog.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "--vendor", "acme", big}, "errorcatalog: " + big + ": file too large: more than 4194304 bytes (4 MiB, the largest catalog file the processor accepts); split it by vendor\n"},
		{[]string{"import", "--vendor", "acme", filepath.Join(dir, "missing.csv")}, "errorcatalog: cannot read CSV: open " + filepath.Join(dir, "missing.csv") + ": no such file or directory\n"},
		{[]string{"import", "--vendor", "acme", dir}, "errorcatalog: " + dir + ": cannot read CSV: is a directory\n"},
		{[]string{"import", "--format", "xlsx", big}, "errorcatalog: unknown import format \"xlsx\" (want csv or tsv)\n"},
		{[]string{"import", "--code-type", "number", big}, "errorcatalog: --code-type: unknown code_type \"number\" (want int or string)\n"},
		{[]string{"import"}, "errorcatalog: accepts 1 arg(s), received 0\n"},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, tt.args...)
		if code != 1 || out != "" || errOut != tt.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

// TestImportOutputTooLarge refuses a CSV within the size limit whose
// catalog would exceed it: YAML writes a control character as an escape
// of four bytes ("\x01").
func TestImportOutputTooLarge(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name,category,class,severity,description\n")
	fmt.Fprintf(&b, "1,N,validation,INVALID_ARGUMENT,warning,x%sx\n", strings.Repeat("\x01", catalog.MaxFileSize/4))
	in := writeTemp(t, "in.csv", b.String())
	code, _, errOut := runCLI(t, "import", "--vendor", "acme", in)
	if want := in + ": the catalog would be larger than 4194304 bytes (4 MiB, the largest catalog file the processor accepts); split the CSV\n"; code != 1 || errOut != want {
		t.Errorf("exit %d, stderr %.300q", code, errOut)
	}
}

// FuzzImportCSV feeds any bytes to the importer: it must never panic,
// report problems naming the input, and whatever it accepts must be a valid
// catalog that exports to a CSV importing back to the same catalog.
func FuzzImportCSV(f *testing.F) {
	paths, _ := filepath.Glob("testdata/import/*.csv")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("code,name,category,class,severity\n1,A,validation,INVALID_ARGUMENT,warning\n"))
	f.Add([]byte("vendor,code,name,category,class,severity,retryable,http_status,description,section\n" +
		"acme,E1,\"A, b\",rate_limit,RESOURCE_EXHAUSTED,warning,true,429,\"x: \"\"y\"\"\",S\nacme,e1,B,success,OK,info,false,,,\n"))
	f.Add([]byte("\ufeffCode\r\n7\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &importOptions{vendor: "acme"}
		out, _, err := convertCSV("fuzz.csv", data, ',', o)
		if err != nil {
			var p *problemList
			if !errors.As(err, &p) || len(p.list) == 0 {
				t.Fatalf("error is not a problem list: %v", err)
			}
			for _, line := range p.list {
				if !strings.HasPrefix(line, "fuzz.csv") || strings.Contains(line, "\n") {
					t.Fatalf("problem %q does not name the input on one line", line)
				}
			}
			return
		}
		parsed, err := catalog.Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("accepted CSV made an invalid catalog: %v\n%s", err, out)
		}
		// Export the result and import it again: the same catalog.
		var again bytes.Buffer
		for _, e := range parsed.Entries {
			e.Vendor = parsed.Vendor
		}
		if err := catalog.WriteCSV(&again, parsed.Entries); err != nil {
			t.Fatal(err)
		}
		out2, _, err := convertCSV("fuzz.csv", again.Bytes(), ',', o)
		if err != nil {
			t.Fatalf("export of an import does not import: %v\n%s", err, again.String())
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("export and import again changed the catalog:\n%s\n---\n%s", out, out2)
		}
	})
}
