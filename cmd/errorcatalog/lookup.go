package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func newLookupCommand() *cobra.Command {
	var (
		flags  catalogFlags
		vendor string
	)
	cmd := &cobra.Command{
		Use:   "lookup [--vendor V] [--catalog FILE]... CODE",
		Short: "Show the catalog entry for an error code",
		Long: `lookup shows the entry for CODE. Without --vendor it shows every vendor's
entry for the code, as the processor would see an ambiguous code. Negative
codes work as they are: errorcatalog lookup -3.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, ok := catalog.StringCode(args[0])
			if !ok {
				return fmt.Errorf("%q is not a code", args[0])
			}
			_, ix, err := flags.load()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if vendor != "" {
				v, ok := ix.VendorByName(vendor)
				if !ok {
					return unknownVendor(ix, vendor)
				}
				e, ok := ix.Lookup(v, code)
				if !ok {
					return fmt.Errorf("code %s is not in the %s catalog", strconv.Quote(code.String()), v.ID)
				}
				printEntry(out, e)
				return nil
			}
			entries := ix.All(code)
			switch len(entries) {
			case 0:
				return fmt.Errorf("code %s is in no vendor's catalog", strconv.Quote(code.String()))
			case 1:
			default:
				fmt.Fprintf(out, "code %s is documented by %d vendors; telemetry needs a vendor hint to tell them apart\n\n", code, len(entries))
			}
			for i, e := range entries {
				if i > 0 {
					fmt.Fprintln(out)
				}
				printEntry(out, e)
			}
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&vendor, "vendor", "", "look the code up in this vendor only (`ID` or alias)")
	return cmd
}

func printEntry(w io.Writer, e *catalog.Entry) {
	line := func(k, v string) { fmt.Fprintf(w, "%-12s %s\n", k+":", v) }
	line("vendor", e.Vendor.ID+" ("+e.Vendor.Name+")")
	line("code", e.Code)
	line("name", e.Name)
	line("category", e.Category.String())
	line("class", e.Class.String())
	line("severity", e.Severity.String())
	line("retryable", strconv.FormatBool(e.Retryable))
	if e.HTTPStatus != 0 {
		line("http_status", strconv.Itoa(e.HTTPStatus))
	}
	if e.Section != "" {
		line("section", e.Section)
	}
	if e.Description != "" {
		line("description", e.Description)
	}
	line("defined at", e.File+":"+strconv.Itoa(e.Line))
}
