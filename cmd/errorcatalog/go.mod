module github.com/errorcatalog/errorcatalogprocessor/cmd/errorcatalog

go 1.26.8

replace github.com/errorcatalog/errorcatalogprocessor => ../..

require (
	github.com/errorcatalog/errorcatalogprocessor v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
	github.com/spf13/cobra v1.10.2
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/net v0.62.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
