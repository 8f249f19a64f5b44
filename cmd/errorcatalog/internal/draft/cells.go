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
	alias  int   // a second column of codes (another API's names for them), -1 for none
	named  bool  // the header names the code column: any code in it counts, whatever its shape
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
	if head != nil && !headerCells(head) {
		// A CSV export without a header row: its first row is a code's.
		if c, ok := chooseColumns(nil, rows); ok && c.status != c.code {
			if _, sh := cellCode(cell(head, c.code), c.shape); sh == c.shape {
				head, body = nil, rows
			}
		}
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
		codes, sh := cellCodes(cell(l.cells, cols.code), cols.shape)
		if sh != cols.shape && cols.named {
			codes, sh = cellCodes(cell(l.cells, cols.code), shapeToken)
		}
		if sh == shapeNone || sh != cols.shape && !cols.named {
			switch t := nonEmpty(l.cells); {
			case len(t) == 1 && cur != nil && cell(l.cells, cols.code) == "":
				cur.Text = appendText(cur.Text, t[0]) // a description continued on the next row
			case len(t) == 1 && looksLikeTitle(t[0]):
				section, cur = t[0], nil // a group row spanning the table
			case cell(l.cells, cols.code) == "" && cur != nil && len(t) > 0:
				cur.Text = appendText(cur.Text, strings.Join(t, " "))
			}
			continue
		}
		r := Row{Line: l.no, shape: sh, Section: section}
		if cols.status >= 0 {
			r.Status, _ = statusToken(cell(l.cells, cols.status))
		}
		if cols.name >= 0 {
			r.Name = cell(l.cells, cols.name)
		}
		r.alias = cell(l.cells, cols.alias)
		for i, c := range cols.text {
			r.Text = join(r.Text, cell(l.cells, c))
			if i == 0 {
				r.primary = r.Text
			}
		}
		if r.Text == "" {
			r.Text = r.Name
		}
		// A cell may document several codes for one meaning ("A <br> B").
		for _, code := range codes {
			r.Code = code
			x.rows = append(x.rows, r)
		}
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
// ("ERR_X (deprecated)"). In a column of PascalCase codes, a capitalised
// word is one too (Conflict beside NotFound).
func cellCode(c string, column shape) (string, shape) {
	code, rest, sh := leadCode(c)
	if sh == shapeNone && column == shapePascal && capitalisedWord(c) {
		return c, shapePascal
	}
	if sh == shapeNone && column == shapeToken && catalogToken(c) {
		return c, shapeToken
	}
	if sh != shapeNone && column == shapeToken && (rest == "" || strings.HasPrefix(rest, "(")) {
		return code, sh // a named code column takes every shape
	}
	if sh == shapeNone || (rest != "" && !strings.HasPrefix(rest, "(")) {
		return "", shapeNone
	}
	return code, sh
}

// capitalisedWord reports whether c is one word, a capital then lower case.
func capitalisedWord(c string) bool {
	if len(c) < 3 || len(c) > maxCode || !isUpper(c[0]) {
		return false
	}
	for i := 1; i < len(c); i++ {
		if !isLower(c[i]) {
			return false
		}
	}
	return true
}

// cellCodes reads a code cell that may hold several codes of one shape,
// separated by spaces, commas, slashes or "or".
func cellCodes(c string, column shape) ([]string, shape) {
	if code, sh := cellCode(c, column); sh != shapeNone {
		return []string{code}, sh
	}
	fields := strings.FieldsFunc(c, func(r rune) bool { return r == ' ' || r == ',' || r == '/' || r == ';' })
	if len(fields) < 2 || len(fields) > 8 {
		return nil, shapeNone
	}
	var codes []string
	for _, f := range fields {
		if f == "or" || f == "and" {
			continue
		}
		code, sh := cellCode(f, column)
		if sh != column {
			return nil, shapeNone
		}
		codes = append(codes, code)
	}
	return codes, column
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
	width = min(width, maxCells)
	cols := columns{code: -1, status: -1, name: -1, alias: -1}
	// A header that names a code column decides which columns may hold the
	// codes; a table of parameters or fields is not one of codes, however
	// code-like its cells.
	namesCode := false
	for _, h := range head {
		namesCode = namesCode || readHeader(h).errorCode
	}
	if len(head) > 0 && parameterTable(head, body) {
		return cols, false
	}
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
			if _, sh := cellCode(c, shapeNone); sh != shapeNone {
				counts[sh]++
			} else if catalogToken(c) {
				counts[shapeToken]++
			}
			if _, ok := statusToken(c); ok {
				statuses++
			}
		}
		hdr := readHeader(cell(head, j))
		if hdr.status && !hdr.errorCode && filled > 0 && statuses == filled {
			statusLike = j // every value an HTTP status: a status column ("Status code" over 10436 is the vendor's)
			continue
		}
		if namesCode && !hdr.errorCode {
			continue // the header names another column as the codes
		}
		if !hdr.errorCode {
			counts[shapeToken] = 0 // only a column named for codes takes codes of any shape
		}
		total := 0
		for s := 1; s < len(counts); s++ {
			total += counts[s]
		}
		for s := 1; s < len(counts); s++ {
			score := counts[s] * 2
			if hdr.errorCode {
				score++ // a named code column wins a tie
			}
			enough := counts[s]*5 >= filled*3 || hdr.errorCode && total*5 >= filled*3
			if enough && score > bestScore {
				bestScore, cols.code, cols.shape, cols.named = score, j, shape(s), hdr.errorCode
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
		if cols.alias < 0 && codeColumn(body, j) {
			cols.alias = j
			continue
		}
		cols.text = append(cols.text, j)
	}
	if len(head) == 0 && cols.name < 0 && len(cols.text) >= 2 && meanLen(body, cols.text[0])*2 < meanLen(body, cols.text[1]) {
		// No header: a short text column before a long one is the name.
		cols.name, cols.text = cols.text[0], cols.text[1:]
	}
	return cols, true
}

// meanLen is the mean length of column j's cells.
func meanLen(body []line, j int) int {
	n, total := 0, 0
	for _, l := range body {
		if c := cell(l.cells, j); c != "" {
			n++
			total += len(c)
		}
	}
	return total / max(n, 1)
}

// codeColumn reports whether most of column j's cells are symbolic codes.
func codeColumn(body []line, j int) bool {
	n, codes := 0, 0
	for _, l := range body {
		if c := cell(l.cells, j); c != "" {
			n++
			if _, sh := cellCode(c, shapeNone); sh != shapeNone && sh != shapeInt {
				codes++
			}
		}
	}
	return n > 0 && codes*5 >= n*3
}

// Words of a header that lists request parameters or object fields, and
// the values of such a table's type column.
var (
	parameterWords = map[string]bool{
		"parameter": true, "parameters": true, "param": true, "params": true, "field": true, "fields": true,
		"property": true, "properties": true, "attribute": true, "attributes": true, "argument": true,
		"arguments": true, "key": true, "keys": true, "header": true, "headers": true, "option": true,
		"options": true, "variable": true, "variables": true, "setting": true, "settings": true,
		"column": true, "columns": true, "required": true, "default": true,
	}
	dataTypes = map[string]bool{
		"string": true, "integer": true, "int": true, "boolean": true, "bool": true, "number": true,
		"object": true, "array": true, "float": true, "double": true, "date": true, "datetime": true,
		"uuid": true, "enum": true, "long": true, "list": true, "map": true,
	}
)

// parameterTable reports whether a table lists parameters or fields: its
// header says so, or one of its columns holds data types.
func parameterTable(head []string, body []line) bool {
	for _, h := range head {
		for _, w := range words(h) {
			if parameterWords[w] {
				return true
			}
		}
	}
	for j := range head {
		n, types := 0, 0
		for _, l := range body {
			if c := strings.ToLower(cell(l.cells, j)); c != "" {
				n++
				if dataTypes[strings.Trim(c, "[]<>")] {
					types++
				}
			}
		}
		if n > 0 && types*2 > n {
			return true
		}
	}
	return false
}
