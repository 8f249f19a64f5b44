package draft

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readHTML reads a saved HTML page: headings, table rows (th/td cells) and
// the text of block elements, each as a line. Scripts, styles, navigation,
// page headers and footers are skipped: they are page furniture, never the
// error reference.
func readHTML(data []byte) ([]line, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	z.SetMaxBuf(1 << 20) // no single token (a giant inline script) buffers more
	var (
		out     []line
		text    strings.Builder
		cells   []string
		inCell  bool
		inRow   bool
		header  bool // the current row is a header row
		thead   int
		skip    int // depth inside skipped elements
		heading bool
		table   int
		no      = 1 // line of the tokenizer's position
		start   = 1 // line the pending text starts on
	)
	flush := func() {
		t := strings.Join(strings.Fields(text.String()), " ")
		text.Reset()
		if inCell {
			return
		}
		if t != "" {
			out = append(out, line{no: start, text: t, heading: heading})
		}
		start = no
	}
	endCell := func() {
		if inCell {
			if len(cells) < maxCells {
				cells = append(cells, strings.Join(strings.Fields(text.String()), " "))
			}
			text.Reset()
			inCell = false
		}
	}
	endRow := func() {
		endCell()
		if inRow && len(cells) > 0 {
			out = append(out, line{no: start, cells: cells, text: strings.Join(cells, " "), header: header || thead > 0, table: table})
		}
		cells, inRow, header = nil, false, false
		start = no
	}
	for {
		tt := z.Next()
		raw := z.Raw()
		lineAt := no
		no += bytes.Count(raw, []byte("\n"))
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("reading HTML near line %d: %w", lineAt, err)
			}
			endRow()
			flush()
			return out, nil
		case html.TextToken:
			if skip == 0 {
				if text.Len() == 0 && !inCell {
					start = lineAt
				}
				text.Write(z.Text())
				text.WriteByte(' ')
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			if skipped(a) {
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch a {
			case atom.Table:
				endRow()
				flush()
				if !end {
					table++
				}
			case atom.Thead:
				if end {
					thead--
				} else {
					thead++
				}
			case atom.Tr:
				endRow()
				if !end {
					flush()
					inRow, start = true, lineAt
				}
			case atom.Td, atom.Th:
				endCell()
				if !end {
					if !inRow {
						flush()
						inRow, start = true, lineAt
					}
					inCell = true
					if a == atom.Th && len(cells) == 0 {
						header = true
					} else if a == atom.Td {
						header = false
					}
				}
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if !inCell {
					flush()
					heading = !end
				}
			case atom.Br, atom.P, atom.Div, atom.Li, atom.Dt, atom.Dd, atom.Pre, atom.Blockquote, atom.Section, atom.Article, atom.Ul, atom.Ol, atom.Dl, atom.Caption:
				if inCell {
					text.WriteByte(' ')
				} else {
					flush()
					if end && (a == atom.Ul || a == atom.Ol || a == atom.Dl) {
						// The end of a list of codes is a paragraph break: text
						// after it is the page's, unless more codes follow.
						out = append(out, line{no: no})
					}
				}
			}
		}
	}
}

// skipped reports whether an element's content is never error reference.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Nav, atom.Header, atom.Footer, atom.Head, atom.Button, atom.Select, atom.Iframe, atom.Object:
		return true
	}
	return false
}
