// Command errorcatalog checks, queries and exports error catalogs: the
// built-in vendor catalogs of the errorcatalog processor and any catalog
// files given to it.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errReported means the command has already written its failure to stderr.
var errReported = errors.New("reported")

// run executes the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	cmd := newRootCommand()
	cmd.SetArgs(negativeCodesLast(args))
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintf(stderr, "errorcatalog: %v\n", err)
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// exitError makes run exit with code instead of 1, for a command whose exit
// status says more than failure (diff: 1 differ, 2 trouble, as diff(1)).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "errorcatalog",
		Short: "Check, query and export error catalogs",
		Long: `errorcatalog works on the catalogs the errorcatalog processor uses: the
built-in vendor catalogs and catalog files (format: errorcatalog/v1).`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newLintCommand(), newLookupCommand(), newExportCommand(), newImportCommand(), newDiffCommand(), newDraftCommand())
	for _, c := range root.Commands() {
		c.DisableFlagsInUseLine = true // each Use line already shows the flags
	}
	return root
}

// catalogFlags are the flags that choose the catalog a command works on.
type catalogFlags struct {
	builtin bool
	files   []string
}

func (f *catalogFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.builtin, "builtin", true, "include the built-in vendor catalogs")
	cmd.Flags().StringArrayVar(&f.files, "catalog", nil, "catalog `FILE` to load after the built-in catalogs (repeatable)")
}

// load loads the catalog exactly as the processor does.
func (f *catalogFlags) load() (*catalog.Catalog, *catalog.Index, error) {
	c, err := catalog.Load(f.builtin, f.files)
	if err != nil {
		return nil, nil, err
	}
	return c, catalog.NewIndex(c), nil
}

// unknownVendor is the error for a --vendor that names no vendor of ix's
// catalog; it lists the known ones as the processor's messages do.
func unknownVendor(ix *catalog.Index, name string) error {
	return fmt.Errorf("unknown vendor %q (known: %s)", name, ix.Catalog().VendorList())
}

var negativeNumber = regexp.MustCompile(`^-[0-9]+$`)

// negativeCodesLast lets "errorcatalog lookup -3" work: a negative code would
// otherwise be read as a flag, so it is moved behind "--".
func negativeCodesLast(args []string) []string {
	if len(args) == 0 || args[0] != "lookup" {
		return args
	}
	var rest, codes []string
	for i, a := range args {
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if negativeNumber.MatchString(a) {
			codes = append(codes, a)
			continue
		}
		rest = append(rest, a)
	}
	if len(codes) == 0 {
		return args
	}
	if !slices.Contains(rest, "--") {
		rest = append(rest, "--")
	}
	return append(rest, codes...)
}
