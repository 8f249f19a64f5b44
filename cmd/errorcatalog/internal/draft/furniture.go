package draft

import (
	"regexp"
	"strings"
)

// Page furniture: what copying a documentation page brings along besides
// the reference itself. A furniture line is dropped; an end line also ends
// the table it follows (what comes after it is the page's footer).
var (
	furnitureLines = map[string]bool{
		"skip to content": true, "skip to main content": true, "skip to navigation": true,
		"yes": true, "no": true, "latest commit": true, "history": true,
		"file metadata and controls": true, "raw": true, "blame": true, "copy": true,
		"copy link": true, "copy page": true, "edit this page": true, "edit on github": true,
		"on this page": true, "in this article": true, "table of contents": true,
		"print": true, "share": true, "previous": true, "next": true, "back to top": true,
		"top": true, "menu": true, "search": true, "toggle navigation": true, "code": true,
		"preview": true, "expand": true, "collapse": true,
	}
	furniturePatterns = []*regexp.Regexp{
		regexp.MustCompile(`^\d+ lines? \(\d+ loc\)`),                                     // GitHub's file header
		regexp.MustCompile(`^(update|updated|last updated|last modified)( time| on)?:? `), // page dates
		regexp.MustCompile(`^[►›»]`),                                                      // breadcrumbs (a • line is a sub-point, see listItem)
		regexp.MustCompile(`^(previous|next)( page)?:? `),
	}
	endLines = []*regexp.Regexp{
		regexp.MustCompile(`^(was this (page|article|section) helpful|did (this|you find this) (page )?help|is this page helpful|how (was|would you rate) this|rate this page)`),
		regexp.MustCompile(`^(©|\(c\) |copyright )`),
		regexp.MustCompile(`^(help us improve|send feedback|give feedback)`),
	}
)

// furniture reports whether a line is page furniture, and whether it ends
// the table before it.
func furniture(text string) (drop, end bool) {
	t := strings.ToLower(strings.TrimSpace(text))
	for _, re := range endLines {
		if re.MatchString(t) {
			return true, true
		}
	}
	if furnitureLines[strings.TrimRight(t, ".:")] {
		return true, false
	}
	for _, re := range furniturePatterns {
		if re.MatchString(t) {
			return true, false
		}
	}
	return false, false
}
