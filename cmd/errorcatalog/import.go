package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// importOptions are the flags of the import command.
type importOptions struct {
	format   string
	vendor   string
	name     string
	hosts    []string
	source   string
	codeType string
	output   string
	builtin  bool
}

func newImportCommand() *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import --format csv|tsv [--vendor ID] [--name NAME] [--hosts PATTERN]... [--source TEXT] [--code-type int|string] [-o FILE] FILE",
		Short: "Make a catalog file from a CSV spreadsheet of error codes",
		Long: `import makes a catalog file (errorcatalog/v1) from a CSV file that keeps a
vendor's error mappings, one code per row, for teams that maintain them in a
spreadsheet. FILE "-" reads standard input.

The first row names the columns, in any order; names match case-insensitively
and trimmed. They are the columns "export --format csv" writes, so an export
imports back:

  code         required: the vendor's error code
  name         required: short title for dashboard legends
  category     required: authentication, authorization, validation, not_found,
               conflict, precondition, rate_limit, quota, policy, timeout,
               unavailable, network, server, unsupported or success
  class        required: a google.rpc.Code name (NOT_FOUND, UNAVAILABLE, ...)
  severity     required: info, warning, error or critical
  retryable    true or false (any case); empty is false
  http_status  the HTTP status the vendor documents with the code; may be empty
  description  the vendor's own explanation; may be empty
  section      the vendor document's section; may be empty
  vendor       the vendor id of the row (see --vendor); may be empty

Any other column is an error. Rows whose cells are all empty are skipped.

A catalog file holds one vendor. --vendor names it; it may be left out when
the vendor column names a single vendor. When the vendor column names
several, --vendor picks the rows of one of them (and rows with an empty
vendor cell). --code-type defaults to int when every code is a decimal
integer, else string.

The result is checked as "errorcatalog lint" checks it (with the built-in
vendor catalogs unless --builtin=false) and written only when it passes;
problems are reported by CSV line and column. Files larger than 4 MiB, the
largest catalog file the processor accepts, are refused.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd, args[0], &o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.format, "format", "csv", "input `FORMAT`: csv, or tsv (tab-separated, quoted as in CSV)")
	fl.StringVar(&o.vendor, "vendor", "", "vendor `ID` of the catalog (default: the vendor column's one value)")
	fl.StringVar(&o.name, "name", "", "vendor display `NAME` (default: the vendor id)")
	fl.StringSliceVar(&o.hosts, "hosts", nil, "vendor host `PATTERN`s: exact hosts or *.domain (repeatable, or a comma-separated list)")
	fl.StringVar(&o.source, "source", "", "`TEXT` naming the vendor document the mappings come from")
	fl.StringVar(&o.codeType, "code-type", "", "code `TYPE`: int or string (default: int when every code is an integer)")
	fl.StringVarP(&o.output, "output", "o", "", "write the catalog to `FILE` instead of standard output")
	fl.BoolVar(&o.builtin, "builtin", true, "check the catalog together with the built-in vendor catalogs, as lint does")
	return cmd
}

// runImport converts the CSV at path and writes the catalog only once it
// has passed every check lint would make.
func runImport(cmd *cobra.Command, path string, o *importOptions) error {
	comma, err := importComma(o.format)
	if err != nil {
		return err
	}
	if o.codeType != "" {
		if _, err := catalog.ParseCodeType(o.codeType); err != nil {
			return fmt.Errorf("--code-type: %w", err)
		}
	}
	name := path
	if path == "-" {
		name = "<stdin>"
	}
	data, err := readImportInput(path, cmd.InOrStdin())
	if err != nil {
		return err
	}
	out, parsed, err := convertCSV(name, data, comma, o)
	if err != nil {
		return reportProblems(cmd.ErrOrStderr(), err)
	}
	if _, err := catalog.LoadParsed(o.builtin, parsed); err != nil {
		return reportProblems(cmd.ErrOrStderr(), loadProblems(err, name, o.builtin))
	}
	if err := writeAtomically(o.output, out); err != nil {
		return reportProblems(cmd.ErrOrStderr(), err)
	}
	if o.output == "" {
		_, err := cmd.OutOrStdout().Write(out)
		return err
	}
	return nil
}

func importComma(format string) (rune, error) {
	switch format {
	case "csv":
		return ',', nil
	case "tsv":
		return '\t', nil
	}
	return 0, fmt.Errorf("unknown import format %q (want csv or tsv)", format)
}

// readImportInput reads the whole input, refusing more than
// catalog.MaxFileSize: a CSV that large could only make a catalog the
// processor refuses, and a wrong path (a log, a device) should not be read
// to its end.
func readImportInput(path string, stdin io.Reader) ([]byte, error) {
	tooLarge := fmt.Errorf("%s: file too large: more than %d bytes (4 MiB, the largest catalog file the processor accepts); split it by vendor", path, catalog.MaxFileSize)
	r := stdin
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read CSV: %w", err)
		}
		defer fh.Close()
		st, err := fh.Stat()
		if err != nil {
			return nil, fmt.Errorf("cannot read CSV: %w", err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s: cannot read CSV: is a directory", path)
		}
		if st.Size() > catalog.MaxFileSize {
			return nil, tooLarge
		}
		r = fh
	}
	data, err := io.ReadAll(io.LimitReader(r, catalog.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read CSV %s: %w", path, err)
	}
	if len(data) > catalog.MaxFileSize {
		return nil, tooLarge
	}
	return data, nil
}

// writeAtomically writes out to dest through a temporary file next to it,
// so that dest is either the old file or the whole new one. No destination
// writes nothing: the caller prints out.
func writeAtomically(dest string, out []byte) error {
	if dest == "" {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".errorcatalog-import-*.yaml")
	if err != nil {
		return fmt.Errorf("cannot write catalog: %w", err)
	}
	tmpName := tmp.Name()
	defer func() { _ = os.Remove(tmpName) }() // after a rename, there is nothing to remove
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write catalog: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write catalog: %w", err)
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return fmt.Errorf("cannot write catalog: %w", err)
	}
	if err := os.Rename(tmpName, dest); err != nil {
		return fmt.Errorf("cannot write catalog: %w", err)
	}
	return nil
}

// loadProblems restates what catalog.Load found in an imported catalog that
// parsed on its own: the vendor clashes with a loaded one.
func loadProblems(err error, src string, builtin bool) error {
	var list []string
	for _, e := range joinedErrors(err) {
		var ce *catalog.Error
		if errors.As(e, &ce) {
			list = append(list, src+": "+ce.Msg) // the line is the generated YAML's, not the CSV's
			continue
		}
		list = append(list, src+": "+e.Error())
	}
	if builtin {
		list = append(list, src+": the catalog is checked with the built-in vendor catalogs, as the processor loads it; --builtin=false checks it alone")
	}
	return &problemList{list: list}
}

// joinedErrors unwraps an errors.Join.
func joinedErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// problemList is a command's list of problems, one line each.
type problemList struct{ list []string }

func (p *problemList) Error() string { return strings.Join(p.list, "\n") }

// reportProblems prints a problem list to stderr, as lint prints a
// catalog's; other errors go back to run.
func reportProblems(stderr io.Writer, err error) error {
	var p *problemList
	if !errors.As(err, &p) {
		return err
	}
	var b bytes.Buffer
	for _, line := range p.list {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	_, _ = stderr.Write(b.Bytes())
	return errReported
}
