package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrFileTooLarge is wrapped by the error for a catalog file larger than
// MaxFileSize.
var ErrFileTooLarge = errors.New("file too large")

// maxProblems bounds how many problems one file reports, so a hostile or
// badly broken file cannot produce an unbounded error message.
const maxProblems = 100

// Error is one problem found in a catalog file. Its message names the file,
// the line and the entry, so that an operator can go straight to it:
//
//	speakap.yaml:42: entry -3: unknown category "auth" (want one of ...)
type Error struct {
	// File is the file name as given to Parse, LoadFile or Load.
	File string
	// Line is the 1-based line of the problem; 0 when it concerns the whole file.
	Line int
	// Where names the part of the file: "entry -3", "entries[4]", "vendor",
	// or "" for the top level.
	Where string
	// Msg says what is wrong.
	Msg string
	// Err is an underlying error, if any, such as ErrFileTooLarge.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// problems collects the problems of one file, in a deterministic order.
type problems struct {
	file    string
	list    []*Error
	dropped int
}

func (p *problems) add(line int, where, format string, args ...any) {
	if len(p.list) >= maxProblems {
		p.dropped++
		return
	}
	p.list = append(p.list, &Error{File: p.file, Line: line, Where: where, Msg: fmt.Sprintf(format, args...)})
}

func (p *problems) empty() bool { return len(p.list) == 0 }

// err returns the problems joined, ordered by line (problems on one line keep
// the order they were found in), or nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].Line < p.list[j].Line })
	errs := make([]error, 0, len(p.list)+1)
	for _, e := range p.list {
		errs = append(errs, e)
	}
	if p.dropped > 0 {
		errs = append(errs, &Error{File: p.file, Msg: fmt.Sprintf("%d more problems not shown", p.dropped)})
	}
	return errors.Join(errs...)
}

// entryLabel names an entry in messages by its code as written, quoted when
// it holds anything unusual, and shortened so a huge value cannot flood them.
func entryLabel(code string) string {
	const maxLabel = 40
	plain := code != ""
	for i := 0; i < len(code) && plain; i++ {
		c := code[i]
		plain = c == '_' || c == '-' || c == '.' || c == '+' ||
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	}
	if plain && len(code) <= maxLabel {
		return "entry " + code
	}
	if len(code) > maxLabel {
		return "entry " + strconv.Quote(code[:maxLabel]) + "..."
	}
	return "entry " + strconv.Quote(code)
}
