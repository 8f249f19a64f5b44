package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/cmd/errorcatalog/internal/catalogfile"
)

// importColumns are the columns import reads: those export --format csv
// writes, in its order, so that an export imports back.
var importColumns = []string{"vendor", "code", "name", "category", "class", "severity", "retryable", "http_status", "description", "section"}

// requiredColumns are the columns the catalog format requires of every entry.
var requiredColumns = []string{"code", "name", "category", "class", "severity"}

// maxImportProblems bounds the problems reported, as catalog.Parse does.
const maxImportProblems = 100

// csvRow is one data row: its cells, and the CSV line each cell starts on
// (a quoted cell may span lines).
type csvRow struct {
	line  int
	cols  map[string]int // column name -> index, shared by every row
	cells []string
	lines []int
}

// cell is the cell in column col, trimmed as the catalog trims text; ""
// when there is no such column.
func (r *csvRow) cell(col string) string {
	if i, ok := r.cols[col]; ok {
		return strings.TrimSpace(r.cells[i])
	}
	return ""
}

// cellLine is the line of the row's cell in col, or the row's line.
func (r *csvRow) cellLine(col string) int {
	if i, ok := r.cols[col]; ok {
		return r.lines[i]
	}
	return r.line
}

// csvProblems collects problems by CSV line.
type csvProblems struct {
	file string
	list []csvProblem
}

type csvProblem struct {
	line int
	msg  string
}

func (p *csvProblems) add(line int, column, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if column != "" {
		msg = "column " + column + ": " + msg
	}
	p.list = append(p.list, csvProblem{line: line, msg: msg})
}

// err returns the problems ordered by line, at most maxImportProblems.
func (p *csvProblems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].line < p.list[j].line })
	out := &problemList{}
	for i, pr := range p.list {
		if i == maxImportProblems {
			out.list = append(out.list, fmt.Sprintf("%s: %d more problems not shown", p.file, len(p.list)-i))
			break
		}
		if pr.line > 0 {
			out.list = append(out.list, fmt.Sprintf("%s:%d: %s", p.file, pr.line, pr.msg))
		} else {
			out.list = append(out.list, fmt.Sprintf("%s: %s", p.file, pr.msg))
		}
	}
	return out
}

// convertCSV makes a catalog file from CSV data; name names the input in
// problems. It returns the file and what catalog.Parse read from it;
// problems, in terms of the CSV wherever they can be, come back as a
// *problemList.
func convertCSV(name string, data []byte, comma rune, o *importOptions) ([]byte, *catalog.File, error) {
	p := &csvProblems{file: name}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheets' "CSV UTF-8" starts with a BOM
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		p.add(line, "", "not valid UTF-8 (save the spreadsheet as CSV UTF-8)")
		return nil, nil, p.err()
	}
	header, rows, err := readCSV(data, comma, p)
	if err != nil {
		return nil, nil, err
	}
	f := buildFile(name, header, rows, o, p)
	// The rows that made entries are checked as the catalog checks them even
	// when others are bad, so that one run reports every problem.
	var (
		out    bytes.Buffer
		parsed *catalog.File
	)
	if f.file.Vendor.ID != "" && len(f.file.Entries) > 0 {
		if err := catalogfile.Write(&out, f.file); err != nil {
			return nil, nil, err
		}
		if parsed, err = catalog.Parse(name, out.Bytes()); err != nil {
			f.restate(err, out.Bytes(), p)
		}
	}
	if err := p.err(); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), parsed, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// readCSV reads the header and the data rows. Problems that stop reading
// (invalid CSV, no header, unknown columns) come back as the error; ragged
// rows are added to p and skipped.
func readCSV(data []byte, comma rune, p *csvProblems) ([]string, []*csvRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1 // ragged rows are reported with their line, below
	rec, err := r.Read()
	if errors.Is(err, io.EOF) {
		p.add(0, "", "empty file (want a header row naming the columns: %s)", strings.Join(importColumns, ", "))
		return nil, nil, p.err()
	}
	if err != nil {
		return nil, nil, csvError(err, p)
	}
	headerLine, _ := r.FieldPos(0)
	header := make([]string, len(rec))
	seen := map[string]int{}
	for i, h := range rec {
		col := strings.ToLower(strings.TrimSpace(h))
		switch {
		case col == "":
			p.add(headerLine, "", "column %d has no name (known columns: %s)", i+1, strings.Join(importColumns, ", "))
		case !slices.Contains(importColumns, col):
			p.add(headerLine, "", "unknown column %.40q (known columns: %s)", strings.TrimSpace(h), strings.Join(importColumns, ", "))
		case seen[col] > 0:
			p.add(headerLine, "", "column %s repeated (columns %d and %d)", col, seen[col], i+1)
		default:
			seen[col] = i + 1
		}
		header[i] = col
	}
	var missing []string
	for _, col := range requiredColumns {
		if seen[col] == 0 {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		p.add(headerLine, "", "missing columns %s (every entry needs %s)", strings.Join(missing, ", "), strings.Join(requiredColumns, ", "))
	}
	if err := p.err(); err != nil {
		return nil, nil, err
	}

	cols := make(map[string]int, len(header))
	for i, col := range header {
		cols[col] = i
	}
	var rows []*csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvError(err, p)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a line of white space
			}
			p.add(line, "", "%d fields, but the header (line %d) has %d", len(rec), headerLine, len(header))
			continue
		}
		row := &csvRow{line: line, cols: cols, cells: rec, lines: make([]int, len(rec))}
		blank := true
		for i, v := range rec {
			row.lines[i], _ = r.FieldPos(i)
			blank = blank && strings.TrimSpace(v) == ""
		}
		if !blank {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 && len(p.list) == 0 {
		p.add(headerLine, "", "no data rows after the header")
	}
	return header, rows, nil
}

// csvError restates an encoding/csv error with the input's name and line.
func csvError(err error, p *csvProblems) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.add(pe.Line, "", "invalid CSV: %v (column %d)", pe.Err, pe.Column)
	} else {
		p.add(0, "", "invalid CSV: %v", err)
	}
	return p.err()
}

// importedFile is the catalog built from the rows, with where each entry
// came from.
type importedFile struct {
	file       *catalogfile.File
	rows       []*csvRow // rows[i] made file.Entries[i]
	vendorFrom string    // "--vendor" or "the vendor column"
}

// buildFile turns rows into a catalog file; what no catalog could hold (a
// bad cell, a duplicate code, several vendors) is added to p.
func buildFile(name string, header []string, rows []*csvRow, o *importOptions, p *csvProblems) *importedFile {
	hasCol := func(c string) bool { return slices.Contains(header, c) }
	f := &importedFile{file: &catalogfile.File{}}
	f.file.Comment = []string{fmt.Sprintf("Imported from %s by errorcatalog import.", filepath.Base(name))}

	// The vendor: --vendor picks rows of one vendor; without it the vendor
	// column must name exactly one.
	vendor := o.vendor
	f.vendorFrom = "--vendor"
	if hasCol("vendor") {
		if vendor == "" {
			f.vendorFrom = "the vendor column"
			var ids []string
			for _, r := range rows {
				if v := r.cell("vendor"); v != "" && !slices.Contains(ids, v) {
					ids = append(ids, v)
				}
			}
			switch len(ids) {
			case 0:
				p.add(0, "", "no vendor: the vendor column is empty; name the vendor with --vendor")
			case 1:
				vendor = ids[0]
			default:
				p.add(0, "", "rows of %d vendors (%s): a catalog file holds one; pick it with --vendor", len(ids), strings.Join(ids, ", "))
			}
		} else {
			var kept []*csvRow
			var ids []string
			for _, r := range rows {
				v := r.cell("vendor")
				if v == "" || strings.EqualFold(v, vendor) {
					kept = append(kept, r)
				} else if !slices.Contains(ids, v) {
					ids = append(ids, v)
				}
			}
			if len(kept) == 0 && len(rows) > 0 {
				p.add(0, "", "no rows of vendor %q (the vendor column names %s)", vendor, strings.Join(ids, ", "))
			}
			rows = kept
		}
	} else if vendor == "" {
		p.add(0, "", "no vendor: name it with --vendor (or add a vendor column)")
	}
	vname := o.name
	if vname == "" {
		vname = vendor
	}
	var hosts []string
	for _, h := range o.hosts { // "--hosts 'a.example, b.example'" has spaces
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	f.file.Vendor = catalogfile.Vendor{ID: vendor, Name: vname, Hosts: hosts, Source: o.source, CodeType: o.codeType}

	// The code type: int when every code is a decimal integer. A mix is a
	// mistake either way (symbolic codes start with a letter); the codes
	// unlike most are reported, rather than every integer of a file with
	// one stray symbol.
	detected := o.codeType == ""
	if detected {
		ints := 0
		for _, r := range rows {
			if isIntCode(r.cell("code")) {
				ints++
			}
		}
		f.file.Vendor.CodeType = "string"
		if ints*2 >= len(rows) {
			f.file.Vendor.CodeType = "int"
		}
	}
	intCodes := f.file.Vendor.CodeType == "int"

	first := map[string]int{} // code key -> line
	for _, r := range rows {
		e := catalogfile.Entry{
			Code: r.cell("code"), Name: r.cell("name"), Description: r.cell("description"), Section: r.cell("section"),
			Category: r.cell("category"), Class: r.cell("class"), Severity: r.cell("severity"),
		}
		ok := true
		bad := func(col, format string, args ...any) {
			p.add(r.cellLine(col), col, format, args...)
			ok = false
		}
		key := ""
		switch {
		case e.Code == "":
			bad("code", "empty (every row needs a code)")
		case intCodes:
			n, err := strconv.ParseInt(e.Code, 10, 64)
			if err != nil && detected {
				bad("code", "%.40q is not an integer, unlike most codes here (code_type int; --code-type string if the codes are symbolic)", e.Code)
				break
			} else if err != nil {
				bad("code", "%.40q is not a decimal integer within int64 (--code-type int)", e.Code)
				break
			}
			key = "i" + strconv.FormatInt(n, 10)
		case detected && isIntCode(e.Code):
			bad("code", "%s is an integer, unlike most codes here (code_type string: symbolic codes start with a letter)", e.Code)
		default:
			key = "s" + codeKey(e.Code) // symbolic codes match case-insensitively
		}
		if key != "" {
			if l, dup := first[key]; dup {
				how := "codes match case-insensitively"
				if intCodes {
					how = "integer codes match by value: " + key[1:]
				}
				bad("code", "duplicate code %.40q (first at line %d; %s)", e.Code, l, how)
			} else {
				first[key] = r.cellLine("code")
			}
		}
		switch v := strings.ToLower(r.cell("retryable")); v {
		case "", "false":
		case "true":
			e.Retryable = true
		default:
			bad("retryable", "%.40q: want true or false", r.cell("retryable"))
		}
		if v := r.cell("http_status"); v != "" {
			st, err := strconv.Atoi(v)
			if err != nil || st < 100 || st > 599 {
				bad("http_status", "%.40q: want an HTTP status, 100 to 599, or nothing", v)
			}
			e.HTTPStatus = st
		}
		if ok {
			f.file.Entries = append(f.file.Entries, e)
			f.rows = append(f.rows, r)
		}
	}
	return f
}

func isIntCode(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// restate turns what catalog.Parse found in the written catalog into
// problems of the CSV: an entry's problem names its row's line and, for a
// field, its column; a vendor's names the flag or column it came from.
func (f *importedFile) restate(err error, written []byte, p *csvProblems) {
	places := yamlPlaces(written)
	for _, e := range joinedErrors(err) {
		var ce *catalog.Error
		if !errors.As(e, &ce) {
			p.add(0, "", "%v", e)
			continue
		}
		if errors.Is(ce, catalog.ErrFileTooLarge) {
			p.add(0, "", "the catalog would be larger than %d bytes (4 MiB, the largest catalog file the processor accepts); split the CSV", catalog.MaxFileSize)
			continue
		}
		pl, ok := places[ce.Line]
		switch {
		case !ok:
			p.add(0, "", "the catalog made from it: %s", ce.Msg)
		case pl.entry < 0:
			from := map[string]string{"id": f.vendorFrom, "name": "--name", "hosts": "--hosts", "source": "--source", "code_type": "--code-type"}[pl.key]
			p.add(0, "", "vendor %s (from %s): %s", pl.key, from, ce.Msg)
		default:
			r := f.rows[pl.entry]
			// The first line of an entry is its code, and also where the
			// catalog reports rules that concern the whole entry: those
			// name the entry rather than a column.
			if pl.key == "code" && !strings.HasPrefix(ce.Msg, "code") {
				p.add(r.line, "", "%s: %s", ce.Where, ce.Msg)
			} else {
				p.add(r.cellLine(pl.key), pl.key, "%s", ce.Msg)
			}
		}
	}
}

// yamlPlace is what a line of a written catalog holds: a field of the vendor
// (entry -1) or of entry i.
type yamlPlace struct {
	entry int
	key   string
}

// yamlPlaces maps the lines of a catalog catalogfile.Write produced to the
// fields on them; every field is on a line of its own.
func yamlPlaces(written []byte) map[int]yamlPlace {
	out := map[int]yamlPlace{}
	var doc yaml.Node
	if yaml.Unmarshal(written, &doc) != nil || len(doc.Content) != 1 {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "vendor":
			for j := 0; j+1 < len(v.Content); j += 2 {
				out[v.Content[j].Line] = yamlPlace{entry: -1, key: v.Content[j].Value}
			}
		case "entries":
			for n, e := range v.Content {
				for j := 0; j+1 < len(e.Content); j += 2 {
					out[e.Content[j].Line] = yamlPlace{entry: n, key: e.Content[j].Value}
				}
			}
		}
	}
	return out
}
