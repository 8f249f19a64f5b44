package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func newLintCommand() *cobra.Command {
	var builtin bool
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Check catalog files as the processor loads them",
		Long: `lint loads the files after the built-in catalogs, exactly as the processor
does at startup, and prints every problem with its file, line and entry.
It exits with status 1 when any file has a problem.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if _, err := catalog.Load(builtin, files); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return errReported
			}
			for _, path := range files {
				f, err := catalog.LoadFile(path)
				if err != nil { // changed since Load read it
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					return errReported
				}
				what := "overrides " + f.Overrides
				if !f.IsOverride() {
					what = "vendor " + f.Vendor.ID
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok: %d entries (%s)\n", path, len(f.Entries), what)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&builtin, "builtin", true, "check the files together with the built-in vendor catalogs")
	return cmd
}
