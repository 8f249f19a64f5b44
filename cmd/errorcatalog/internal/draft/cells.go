package draft

import (
	"strings"
)

// columns is what a delimited table's columns hold.
type columns struct {
	code   int   // the code column
	status int   // the HTTP status column, -1 for none
	name   int   // the short name/title column, -1 for none
	text   []int // the description columns, in order
	shape  shape
}

// cellTable reads a delimited table (Markdown, HTML, CSV/TSV, tabs). Its
// header row names the columns; without one, the code column is the one
// whose cells are codes.
func (x *extraction) cellTable(rows []line, heading string) {
	if len(rows) == 0 {
		return
	}
	var head []string
	body := rows
	if rows[0].header || headerCells(rows[0].cells) {
		head, body = rows[0].cells, rows[1:]
	}
	cols, ok := chooseColumns(head, body)
	if !ok {
		return
	}
	if cols.status == cols.code {
		x.warnf("line %d: skipped a table of HTTP statuses (%d rows): its codes are statuses, not the vendor's error codes; declare them as the vendor's http_statuses if wanted", rows[0].no, len(body))
		return
	}
	section := heading
	var cur *Row
	for _, l := range body {
		code, sh := cellCode(cell(l.cells, cols.code))
		if sh != cols.shape {
			switch t := nonEmpty(l.cells); {
			case len(t) == 1 && cur != nil && cell(l.cells, cols.code) == "":
				cur.Text = join(cur.Text, t[0]) // a description continued on the next row
			case len(t) == 1 && looksLikeTitle(t[0]):
				section, cur = t[0], nil // a group row spanning the table
			case cell(l.cells, cols.code) == "" && cur != nil && len(t) > 0:
				cur.Text = join(cur.Text, strings.Join(t, " "))
			}
			continue
		}
		r := Row{Line: l.no, Code: code, shape: sh, Section: section}
		if cols.status >= 0 {
			r.Status, _ = statusToken(cell(l.cells, cols.status))
		}
		if cols.name >= 0 {
			r.Name = cell(l.cells, cols.name)
		}
		for _, c := range cols.text {
			r.Text = join(r.Text, cell(l.cells, c))
		}
		if r.Text == "" {
			r.Text = r.Name
		}
		x.rows = append(x.rows, r)
		cur = &x.rows[len(x.rows)-1]
	}
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// cellCode reads a code cell: one code, perhaps with a parenthesised note
// ("ERR_X (deprecated)").
func cellCode(c string) (string, shape) {
	code, rest, sh := leadCode(c)
	if sh == shapeNone || (rest != "" && !strings.HasPrefix(rest, "(")) {
		return "", shapeNone
	}
	return code, sh
}

// headerCells reports whether a row without the layout's header mark is a
// header: every cell is made of header words.
func headerCells(cells []string) bool {
	n := 0
	for _, c := range cells {
		if c == "" {
			continue
		}
		for _, w := range words(c) {
			if !headerWords[w] {
				return false
			}
		}
		n++
	}
	return n >= 2
}

// chooseColumns assigns the columns' roles from the header's names and the
// body's cells.
func chooseColumns(head []string, body []line) (columns, bool) {
	width := len(head)
	for _, l := range body {
		width = max(width, len(l.cells))
	}
	cols := columns{code: -1, status: -1, name: -1}
	// Codes: the column where most cells are codes of one shape.
	bestScore := 0
	statusLike := -1
	for j := 0; j < width; j++ {
		var counts [len(shapeNames)]int
		statuses, filled := 0, 0
		for _, l := range body {
			c := cell(l.cells, j)
			if c == "" {
				continue
			}
			filled++
			if _, sh := cellCode(c); sh != shapeNone {
				counts[sh]++
			}
			if _, ok := statusToken(c); ok {
				statuses++
			}
		}
		h := strings.ToLower(cell(head, j))
		hdr := readHeader(h)
		if hdr.status && !hdr.errorCode && filled > 0 && statuses*5 >= filled*4 {
			statusLike = j
			continue
		}
		for s := 1; s < len(counts); s++ {
			score := counts[s] * 2
			if hdr.errorCode {
				score++ // a named code column wins a tie
			}
			if counts[s]*5 >= filled*3 && score > bestScore {
				bestScore, cols.code, cols.shape = score, j, shape(s)
			}
		}
	}
	if cols.code < 0 {
		if statusLike >= 0 && len(head) > 0 {
			// Only a status column: a table of HTTP statuses.
			return columns{code: statusLike, status: statusLike}, true
		}
		return cols, false
	}
	cols.status = statusLike
	for j := 0; j < width; j++ {
		if j == cols.code || j == cols.status {
			continue
		}
		w := words(cell(head, j))
		isName := false
		for _, x := range w {
			isName = isName || nameWords[x]
		}
		if isName && cols.name < 0 && len(head) > 0 {
			cols.name = j
			continue
		}
		cols.text = append(cols.text, j)
	}
	return cols, true
}
