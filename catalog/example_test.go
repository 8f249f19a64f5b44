package catalog_test

import (
	"fmt"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

func Example() {
	c, err := catalog.Load(true, nil)
	if err != nil {
		panic(err)
	}
	ix := catalog.NewIndex(c)

	v, _ := ix.VendorByHost("https://api-us.cometchat.io/v3/users")
	code, _ := catalog.StringCode("err_too_many_requests")
	if e, ok := ix.Lookup(v, code); ok {
		fmt.Println(e.Vendor.ID, e.Code, e.Category, e.Class, e.Retryable)
	}

	// Without a vendor hint, a code known to exactly one vendor is inferred.
	if e, n := ix.Infer(catalog.IntCode(808)); n == 1 {
		fmt.Println(e.Vendor.ID, e.Code, e.Name, e.Category)
	}
	// Output:
	// cometchat ERR_TOO_MANY_REQUESTS rate_limit RESOURCE_EXHAUSTED true
	// netease_im 808 Application Approved success
}
