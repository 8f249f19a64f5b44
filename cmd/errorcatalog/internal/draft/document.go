// Package draft drafts an errorcatalog/v1 catalog from a vendor's error
// documentation: text copied from a page, Markdown, a saved HTML page, or a
// CSV/TSV export. It finds the codes, keeps the vendor's text, and suggests a
// classification for each code with the rules of a readable rule file; what
// no rule classifies is marked for review.
package draft

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxDocumentSize is the largest document draft reads (8 MiB). Error-code
// pages are tens of KiB; the bound keeps a wrong path (a log file, a disk
// image) from costing memory and time proportional to it.
const MaxDocumentSize = 8 << 20

// maxCells bounds the cells of a table row. Error tables have a handful of
// columns; a row of thousands of empty cells is a broken export, and the
// column passes are proportional to rows times cells.
const maxCells = 64

// capCells keeps the first maxCells cells of a row.
func capCells(cells []string) []string {
	if len(cells) > maxCells {
		return cells[:maxCells]
	}
	return cells
}

// maxLines bounds the lines (rows, for tables) a document may have, so a
// small document cannot make the line-by-line passes quadratic in effect.
const maxLines = 200_000

// Format is a document's layout.
type Format uint8

// The layouts draft reads.
const (
	FormatAuto Format = iota
	FormatText
	FormatMarkdown
	FormatHTML
	FormatCSV
	FormatTSV
)

var formatNames = [...]string{
	FormatAuto:     "auto",
	FormatText:     "text",
	FormatMarkdown: "markdown",
	FormatHTML:     "html",
	FormatCSV:      "csv",
	FormatTSV:      "tsv",
}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat returns the format a --format flag names.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames {
		if strings.EqualFold(s, n) || (i == int(FormatMarkdown) && strings.EqualFold(s, "md")) {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(formatNames[:], ", "))
}

// line is one line of a document as the extractor sees it, whatever the
// layout it came from.
type line struct {
	no      int      // 1-based line of the document it starts on
	text    string   // the line's text; a table row's cells joined by spaces
	cells   []string // the cells, when the layout delimits them (Markdown, HTML, CSV/TSV, tabs)
	header  bool     // a table's header row, when the layout says so
	heading bool     // a heading, when the layout says so (Markdown #, HTML h1–h6)
	table   int      // which table of the document a row belongs to (0: none)
}

// Errors for documents draft cannot read.
var (
	ErrEmpty    = errors.New("the document is empty")
	ErrBinary   = errors.New("the document is not text (it holds NUL bytes)")
	ErrEncoding = errors.New("the document is not UTF-8")
	ErrTooLarge = fmt.Errorf("the document is larger than %d MiB; error-code pages are far smaller, so this is probably not one", MaxDocumentSize>>20)
)

// read checks data and splits it into lines in the given format (detected
// when FormatAuto). It returns the format used.
func read(data []byte, name string, f Format) ([]line, Format, error) {
	if len(data) > MaxDocumentSize {
		return nil, f, ErrTooLarge
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, f, ErrEmpty
	}
	if utf16(data) {
		return nil, f, fmt.Errorf("%w: it is UTF-16, as spreadsheets save \"Unicode Text\"; save it as UTF-8 (\"CSV UTF-8\"), or convert it: iconv -f UTF-16 -t UTF-8", ErrEncoding)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, f, ErrBinary
	}
	if !utf8.Valid(data) {
		return nil, f, fmt.Errorf("%w (a page saved as Windows-1252, Latin-1 or GBK?): convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8", ErrEncoding)
	}
	if f == FormatAuto {
		f = Detect(name, data)
	}
	var (
		lines []line
		err   error
	)
	switch f {
	case FormatMarkdown:
		lines = readMarkdown(data)
	case FormatHTML:
		lines, err = readHTML(data)
	case FormatCSV:
		lines, err = readDelimited(data, csvSeparator(data))
	case FormatTSV:
		lines, err = readDelimited(data, '\t')
	default:
		f = FormatText
		lines = readText(data)
	}
	if err != nil {
		return nil, f, err
	}
	if len(lines) > maxLines {
		return nil, f, fmt.Errorf("the document has more than %d lines", maxLines)
	}
	return lines, f, nil
}

// utf16 reports whether data is UTF-16 text: a byte order mark, or a NUL
// in every other byte of its start.
func utf16(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return true
	}
	n, nul := min(len(data), 512)&^1, 0
	for i := 0; i < n; i += 2 {
		if data[i] == 0 || data[i+1] == 0 {
			nul++
		}
	}
	return n >= 8 && nul*10 >= n/2*9
}

// Detect guesses a document's format from its file name, then its content.
func Detect(name string, data []byte) Format {
	lower := strings.ToLower(name)
	for _, s := range []struct {
		ext string
		f   Format
	}{{".md", FormatMarkdown}, {".markdown", FormatMarkdown}, {".html", FormatHTML}, {".htm", FormatHTML}, {".csv", FormatCSV}, {".tsv", FormatTSV}, {".tab", FormatTSV}} {
		if strings.HasSuffix(lower, s.ext) {
			return s.f
		}
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	lh := strings.ToLower(string(head))
	if strings.Contains(lh, "<html") || strings.Contains(lh, "<!doctype html") || strings.Contains(lh, "<table") || strings.Contains(lh, "<body") {
		return FormatHTML
	}
	if markdownTable(string(head)) {
		return FormatMarkdown
	}
	// A spreadsheet export: the first lines have the same number (> 1) of
	// tabs or commas, and no line runs on like prose.
	if delimited(string(head), '\t') {
		return FormatTSV
	}
	if delimited(string(head), ',') {
		return FormatCSV
	}
	return FormatText
}

// markdownTable reports whether s holds a Markdown table's delimiter row.
func markdownTable(s string) bool {
	for l := range strings.Lines(s) {
		if isDelimiterRow(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

func delimited(s string, sep byte) bool {
	n, rows := -1, 0
	for l := range strings.Lines(s) {
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			continue
		}
		c := strings.Count(l, string(sep))
		if c == 0 || (n >= 0 && c != n) {
			return false
		}
		n = c
		if rows++; rows == 5 {
			break
		}
	}
	return rows >= 2
}

// csvSeparator returns the separator of a CSV export: a comma, or the
// semicolon spreadsheets write where the comma is the decimal separator.
func csvSeparator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

// readText reads text copied from a page: one line per line; a line with
// tabs is a row of cells (what copying an HTML table gives).
func readText(data []byte) []line {
	var out []line
	no := 0
	for l := range strings.Lines(string(data)) {
		no++
		l = cleanSpace(l)
		ln := line{no: no, text: l}
		if strings.Contains(l, "\t") {
			for c := range strings.SplitSeq(l, "\t") {
				if len(ln.cells) == maxCells {
					break
				}
				ln.cells = append(ln.cells, strings.TrimSpace(c))
			}
			ln.text = strings.Join(ln.cells, " ")
		}
		out = append(out, ln)
	}
	return out
}

// cleanSpace trims a line and turns the odd spaces copied pages carry (no-break,
// zero-width, carriage returns) into plain ones, keeping tabs.
func cleanSpace(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u2007', '\u202f', '\u2009', '\u200a':
			return ' '
		case '\u200b', '\u200c', '\u200d', '\ufeff', '\r', '\n':
			return -1
		}
		return r
	}, s)
	return strings.Trim(s, " ")
}
