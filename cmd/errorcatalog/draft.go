package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/cmd/errorcatalog/internal/draft"
)

func newDraftCommand() *cobra.Command {
	var (
		format, out string
		rules       []string
		opt         draft.Options
		builtin     bool
	)
	cmd := &cobra.Command{
		Use:   "draft [--vendor ID] [--name NAME] [--hosts PATTERN]... [--source TEXT] [--format FORMAT] [--rules FILE]... [-o FILE] DOCUMENT",
		Short: "Draft a catalog file from a vendor's error-code documentation",
		Long: `draft reads a vendor's error documentation (text copied from a page,
Markdown, a saved HTML page, or a CSV/TSV export; "-" reads stdin) and
writes a catalog file in the errorcatalog/v1 format, ready for review.

It takes every code of the document's code tables, in document order, with
the vendor's text as the description, a short name, the section and the
HTTP status where the document gives them. It suggests category, class,
severity and retryable with the classifier rules of a rule file (see
--rules); each entry's comment names the rule that fired. Entries no rule
classified, or where rules disagreed, are marked REVIEW and get a safe
default: review those first. The file is checked as lint checks it before
it is written. A summary (codes found, entries for review, rule hits,
warnings) goes to stderr.

--rules adds rule files to the built-in rules: a rule with a built-in
rule's id replaces it. "errorcatalog draft --print-rules" prints the
built-in rules, a starting point for your own.

To review a documentation update of a built-in vendor, draft it under the
vendor's own id with --builtin=false (the file then redefines the vendor,
so lint it with --builtin=false too) and compare it with the built-in
catalog: errorcatalog diff FILE.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if p, _ := cmd.Flags().GetBool("print-rules"); p {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if p, _ := cmd.Flags().GetBool("print-rules"); p {
				_, err := cmd.OutOrStdout().Write(draft.DefaultRules())
				return err
			}
			f, err := draft.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			opt.Format = f
			if opt.Rules, err = draft.LoadRules(rules...); err != nil {
				return err
			}
			name := args[0]
			data, err := readDocument(cmd, name)
			if err != nil {
				return err
			}
			res, err := draft.Draft(name, data, opt)
			if err != nil {
				return err
			}
			if builtin {
				// As lint and the processor load it: a vendor id that clashes
				// with a built-in vendor is caught before the file is written.
				if _, err := catalog.LoadParsed(true, res.Parsed); err != nil {
					return errors.Join(errors.New("the drafted catalog does not load with the built-in catalogs (choose another id with --vendor, or pass --builtin=false to draft a built-in vendor's document for diff)"), err)
				}
			}
			fmt.Fprint(cmd.ErrOrStderr(), res.Summary())
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(res.YAML)
				return err
			}
			if err := os.WriteFile(out, res.YAML, 0o644); err != nil {
				return fmt.Errorf("writing the catalog: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "draft: wrote %s; next: review it, then errorcatalog lint %s\n", out, out)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "auto", "document `FORMAT`: auto, text, markdown, html, csv or tsv")
	fl.StringVar(&opt.Vendor, "vendor", "", "vendor `ID` of the catalog (default: from the document's file name)")
	fl.StringVar(&opt.Name, "name", "", "vendor display `NAME` (default: the id)")
	fl.StringSliceVar(&opt.Hosts, "hosts", nil, "host `PATTERN`s of the vendor's API: exact hosts or *.domain (repeatable, or a comma-separated list)")
	fl.StringVar(&opt.Source, "source", "", "the document's source, e.g. its URL (default: the file name)")
	fl.StringVar(&opt.Version, "doc-version", "", "the document's version or date")
	fl.StringArrayVar(&rules, "rules", nil, "classifier rule `FILE` added to the built-in rules (repeatable)")
	fl.StringVarP(&out, "output", "o", "", "write the catalog to `FILE` instead of stdout")
	fl.Bool("print-rules", false, "print the built-in classifier rules and exit")
	fl.BoolVar(&builtin, "builtin", true, "check the drafted file together with the built-in catalogs, as lint does")
	return cmd
}

// readDocument reads the document, refusing one larger than draft reads
// before reading it all.
func readDocument(cmd *cobra.Command, name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = cmd.InOrStdin()
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading the document: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", name)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, draft.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the document: %w", err)
	}
	if len(data) > draft.MaxDocumentSize {
		return nil, fmt.Errorf("%s: %w", name, draft.ErrTooLarge)
	}
	return data, nil
}
