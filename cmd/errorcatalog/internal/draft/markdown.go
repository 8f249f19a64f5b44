package draft

import (
	"regexp"
	"strconv"
	"strings"
)

// readMarkdown reads a Markdown document: ATX headings, pipe tables (a
// header row, the delimiter row, body rows) and other lines as text. Inline
// markup is reduced to its text, so `ERR_X`, **ERR_X** and [ERR_X](#x) all
// read as ERR_X.
func readMarkdown(data []byte) []line {
	raw := strings.Split(string(data), "\n")
	var out []line
	table := 0
	for i := 0; i < len(raw); i++ {
		t := cleanSpace(raw[i])
		no := i + 1
		switch {
		case strings.HasPrefix(t, "#"):
			h := strings.TrimLeft(t, "#")
			if h == "" || h[0] == ' ' {
				out = append(out, line{no: no, text: inline(strings.TrimRight(strings.TrimSpace(h), "# ")), heading: true})
				continue
			}
		case strings.HasPrefix(t, "|") || strings.Count(t, "|") >= 2:
			if i+1 < len(raw) && isDelimiterRow(cleanSpace(raw[i+1])) {
				table++
				cells := splitRow(t)
				out = append(out, tableRow(no, cells, true, table))
				i++ // the delimiter row
				for i+1 < len(raw) {
					n := cleanSpace(raw[i+1])
					if !strings.Contains(n, "|") {
						break
					}
					i++
					out = append(out, tableRow(i+1, splitRow(n), false, table))
				}
				continue
			}
		}
		out = append(out, line{no: no, text: inline(strings.TrimLeft(t, ">"))})
	}
	return out
}

func tableRow(no int, cells []string, header bool, table int) line {
	for i, c := range cells {
		cells[i] = inline(c)
	}
	return line{no: no, cells: cells, text: strings.Join(cells, " "), header: header, table: table}
}

var delimiterCell = regexp.MustCompile(`^:?-{2,}:?$`)

// isDelimiterRow reports whether t is a pipe table's |---|:--:| row.
func isDelimiterRow(t string) bool {
	if !strings.Contains(t, "-") || !strings.Contains(t, "|") {
		return false
	}
	cells := splitRow(t)
	for _, c := range cells {
		if !delimiterCell.MatchString(strings.TrimSpace(c)) {
			return false
		}
	}
	return len(cells) > 0
}

// splitRow splits a pipe table row into its cells; \| is a literal pipe.
func splitRow(t string) []string {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			b.WriteByte('|')
			i++
		case t[i] == '|':
			if len(cells) == maxCells {
				return cells
			}
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

var (
	mdLink     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdTag      = regexp.MustCompile(`<[A-Za-z/!][^<>]*>`)
	mdCode     = regexp.MustCompile("`+([^`]*)`+")
	mdEmphasis = regexp.MustCompile(`(^|[\s(\[])(\*\*|__|\*|_)(\S|\S.*?\S)(\*\*|__|\*|_)($|[\s).,;:!?\]])`)
	mdEscape   = regexp.MustCompile(`\\([\\_*|#\[\]()<>{}.!+-])`)
	mdSpan     = regexp.MustCompile("\x00[0-9]+\x00")
	mdEntities = strings.NewReplacer("&nbsp;", " ", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`)
)

// inline reduces Markdown inline markup to its text. Code spans keep their
// text as written (SYS__TIMEOUT stays itself); backslash escapes are
// undone (ERR\_NOT\_FOUND, as converters write it); emphasis is removed
// only as a pair of delimiters around words (**ERR_X**, _note_), so the
// underscores inside a word (invalid_request_error) stay.
func inline(s string) string {
	var spans []string
	s = mdCode.ReplaceAllStringFunc(s, func(m string) string {
		spans = append(spans, mdCode.FindStringSubmatch(m)[1])
		return "\x00" + strconv.Itoa(len(spans)-1) + "\x00"
	})
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdTag.ReplaceAllString(s, " ")
	s = mdEscape.ReplaceAllString(s, "$1")
	for range 2 { // **_nested_**
		s = mdEmphasis.ReplaceAllStringFunc(s, func(m string) string {
			p := mdEmphasis.FindStringSubmatch(m)
			if p[2] != p[4] {
				return m // not a pair
			}
			return p[1] + p[3] + p[5]
		})
	}
	s = mdEntities.Replace(s)
	if len(spans) > 0 {
		// One pass restores every span: a line of many spans stays linear.
		s = mdSpan.ReplaceAllStringFunc(s, func(m string) string {
			i, err := strconv.Atoi(m[1 : len(m)-1])
			if err != nil || i >= len(spans) {
				return m // a NUL the document had itself
			}
			return spans[i]
		})
	}
	return strings.Join(strings.Fields(s), " ")
}
