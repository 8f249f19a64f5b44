package config

import "github.com/errorcatalog/errorcatalogprocessor/catalog"

// loadCatalog loads the built-ins and the files. Each call returns a
// catalog nothing else shares, so every loaded catalog gets its own index.
func loadCatalog(builtin bool, paths []string) (*catalog.Catalog, error) {
	return catalog.Load(builtin, paths)
}
