package workbench

import (
	"bytes"
	"fmt"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// DiffOptions control Diff.
type DiffOptions struct {
	// Options are the review's checks: guardrails and public access.
	diff.Options
	// Folders matches OLD and NEW inputs by Key (files of two folders);
	// otherwise exactly one OLD and one NEW input are compared.
	Folders bool
}

// DiffInput is one policy file of a review: Key matches OLD and NEW files
// (a path relative to the folder); Input names it in reports.
type DiffInput struct {
	Input
	Key string
}

// DiffResult is the review of a change.
type DiffResult struct {
	// Review has one pair per file compared.
	Review *diff.Review
	// Diagnostics are the review's findings on NEW's lines (new access,
	// guardrail hits, public access), for SARIF and editors.
	Diagnostics diag.List
}

// Diff reviews a policy change: the access NEW grants that OLD did not
// (and what it no longer grants), must-not-grant guardrails and public
// access. A file that cannot be read is an error (a diag.List at the
// problem).
func Diff(db *iamdb.DB, olds, news []DiffInput, opts DiffOptions) (*DiffResult, error) {
	conv := func(ins []DiffInput) []diff.Input {
		out := make([]diff.Input, len(ins))
		for i, in := range ins {
			out[i] = diff.Input{Name: in.Key, Path: in.Name, Src: in.Data}
		}
		return out
	}
	var rev *diff.Review
	var err error
	if opts.Folders {
		rev, err = diff.ReviewFiles(db, conv(olds), conv(news), opts.Options)
	} else {
		if len(olds) != 1 || len(news) != 1 {
			return nil, fmt.Errorf("diff: compare one OLD with one NEW file (got %d and %d), or set Folders", len(olds), len(news))
		}
		rev, err = diff.ReviewPair(db, conv(olds)[0], conv(news)[0], opts.Options)
	}
	if err != nil {
		return nil, asList("", err)
	}
	return &DiffResult{Review: rev, Diagnostics: rev.Diagnostics()}, nil
}

// DiffFormatNames are the formats RenderDiff takes.
func DiffFormatNames() []string { return []string{"text", "json", "sarif"} }

// RenderDiff renders a review as text, JSON (the Review's shape) or SARIF
// 2.1.0.
func RenderDiff(res *DiffResult, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch format {
	case "text", "":
		err = res.Review.WriteText(&b)
	case "json":
		var out []byte
		out, err = jsonIndent(res.Review, "  ")
		b.Write(out)
	case "sarif":
		err = diag.WriteSARIF(&b, SARIFTool, diff.Rules(), res.Diagnostics)
	default:
		return nil, fmt.Errorf("unknown format %q: use %v", format, DiffFormatNames())
	}
	return b.Bytes(), err
}

// SARIFTool names this tool in SARIF logs.
var SARIFTool = diag.SARIFTool{Name: "policy-sentry", InformationURI: "https://github.com/leastpriv/policysentry"}
