package main

import (
	"github.com/spf13/cobra"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func newExportCommand() *cobra.Command {
	var (
		flags   catalogFlags
		format  string
		vendors []string
	)
	cmd := &cobra.Command{
		Use:   "export --format json|csv|markdown [--vendor V]... [--catalog FILE]...",
		Short: "Print the catalog as JSON, CSV or a Markdown reference",
		Long: `export prints every entry of the built-in catalogs and any --catalog files,
with overrides applied, as the processor would use them. JSON keys and CSV
columns are the processor's attribute names without their prefix.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := catalog.ParseExportFormat(format)
			if err != nil {
				return err
			}
			c, ix, err := flags.load()
			if err != nil {
				return err
			}
			if len(vendors) > 0 {
				keep := map[*catalog.Vendor]bool{}
				sel := &catalog.Catalog{}
				for _, name := range vendors {
					if name == catalog.StatusVendorID {
						// The standard HTTP status table, exported like a vendor.
						sel.Vendors = append(sel.Vendors, catalog.StatusCatalog().Vendors...)
						continue
					}
					v, ok := ix.VendorByName(name)
					if !ok {
						return unknownVendor(ix, name)
					}
					keep[v] = true
				}
				for _, vc := range c.Vendors {
					if keep[vc.Vendor] {
						sel.Vendors = append(sel.Vendors, vc)
					}
				}
				c = sel
			}
			return catalog.Export(cmd.OutOrStdout(), c, f)
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&format, "format", "json", "output `FORMAT`: json, csv or markdown")
	cmd.Flags().StringArrayVar(&vendors, "vendor", nil, "export only this vendor (`ID` or alias; repeatable); \"http\" is the standard HTTP status table")
	return cmd
}
