package iamdb_test

import (
	"encoding/json"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// realDataset returns the embedded dataset file and its manifest, and
// sets the benchmark's bytes to the file's size.
func realDataset(b *testing.B) ([]byte, iamdb.Manifest) {
	b.Helper()
	c := dataset.Compressed()
	m, err := dataset.Manifest()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(c)))
	return c, m
}

// BenchmarkLoad is the whole load of the real dataset: sha256 check,
// zstd decompression, decoding and indexing (what the CLI and the web app
// do at start). Run it under WebAssembly with
//
//	GOOS=js GOARCH=wasm go test -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' -bench Load ./engine/iamdb
func BenchmarkLoad(b *testing.B) {
	c, m := realDataset(b)
	for b.Loop() {
		db, err := iamdb.Load(c, m.SHA256)
		if err != nil {
			b.Fatal(err)
		}
		if db.Manifest.Counts != m.Counts {
			b.Fatalf("counts %+v, manifest says %+v", db.Manifest.Counts, m.Counts)
		}
	}
	b.ReportMetric(float64(len(c)), "file-bytes")
}

// BenchmarkLoadVerified is the web app's load: the sha256 is compared
// (the browser computes it), then LoadVerified decompresses, decodes all
// but the actions and indexes; the benchmark then decodes the actions of
// the one service the README's crud.yml uses first (s3).
func BenchmarkLoadVerified(b *testing.B) {
	c, m := realDataset(b)
	for b.Loop() {
		db, err := iamdb.LoadVerified(c)
		if err != nil {
			b.Fatal(err)
		}
		if db.Manifest.Counts != m.Counts || db.Action("s3:GetObject") == nil {
			b.Fatalf("counts %+v, manifest says %+v", db.Manifest.Counts, m.Counts)
		}
	}
}

// BenchmarkLoadFreshHeap is BenchmarkLoad with the previous load's
// garbage collected outside the timer: one load into an empty heap, as
// when the app or the CLI starts (with the code already warm).
func BenchmarkLoadFreshHeap(b *testing.B) {
	c := dataset.Compressed()
	m, err := dataset.Manifest()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		if _, err := iamdb.Load(c, m.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDecompress is the zstd part of BenchmarkLoad.
func BenchmarkLoadDecompress(b *testing.B) {
	c := dataset.Compressed()
	for b.Loop() {
		if _, err := iamdb.Decompress(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDecode is the decode+index part of BenchmarkLoad.
func BenchmarkLoadDecode(b *testing.B) {
	raw, err := iamdb.Decompress(dataset.Compressed())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := iamdb.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
	// After the loop: b.Loop's first call resets reported metrics.
	b.ReportMetric(float64(len(raw)), "raw-bytes")
}

// The JSON alternative to the binary encoding: the same data as plain
// JSON inside the same zstd settings. BenchmarkLoadJSONAlternative
// measures it against BenchmarkLoad; the binary encoding was chosen
// because it loads several times faster at a similar size (see README).
type jsonService struct {
	Prefix, Name, URL string
	Resources         []jsonResource
	Conditions        []iamdb.Condition
	Actions           []jsonAction
}

type jsonResource struct {
	Name, ARN     string
	ConditionKeys []string `json:",omitempty"`
}

type jsonAction struct {
	Name, Description, DocURL string
	Level                     iamdb.AccessLevel
	Resources                 []jsonActionResource
}

type jsonActionResource struct {
	Name             string
	Required         bool     `json:",omitempty"`
	ConditionKeys    []string `json:",omitempty"`
	DependentActions []string `json:",omitempty"`
}

func toJSON(db *iamdb.DB) ([]byte, error) {
	var out []jsonService
	for _, s := range db.Services {
		js := jsonService{Prefix: s.Prefix, Name: s.Name, URL: s.AuthorizationURL}
		for _, r := range s.Resources {
			js.Resources = append(js.Resources, jsonResource{r.Name, r.ARN, r.ConditionKeys})
		}
		for _, c := range s.Conditions {
			js.Conditions = append(js.Conditions, *c)
		}
		for _, a := range s.Actions() {
			ja := jsonAction{Name: a.Name, Description: a.Description, DocURL: a.DocURL, Level: a.AccessLevel}
			for _, r := range a.Resources {
				ja.Resources = append(ja.Resources, jsonActionResource{r.Name, r.Required, r.ConditionKeys, r.DependentActions})
			}
			js.Actions = append(js.Actions, ja)
		}
		out = append(out, js)
	}
	return json.Marshal(out)
}

func fromJSON(b []byte) (*iamdb.DB, error) {
	var in []jsonService
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	services := make([]*iamdb.Service, 0, len(in))
	for _, js := range in {
		s := &iamdb.Service{Prefix: js.Prefix, Name: js.Name, AuthorizationURL: js.URL}
		for _, r := range js.Resources {
			s.Resources = append(s.Resources, &iamdb.Resource{Name: r.Name, ARN: r.ARN, ConditionKeys: r.ConditionKeys})
		}
		for i := range js.Conditions {
			s.Conditions = append(s.Conditions, &js.Conditions[i])
		}
		for _, ja := range js.Actions {
			a := &iamdb.Action{Name: ja.Name, Description: ja.Description, DocURL: ja.DocURL, AccessLevel: ja.Level}
			for _, r := range ja.Resources {
				a.Resources = append(a.Resources, iamdb.ActionResource{Name: r.Name, Required: r.Required,
					ConditionKeys: r.ConditionKeys, DependentActions: r.DependentActions})
			}
			s.SetActions(append(s.Actions(), a))
		}
		services = append(services, s)
	}
	return iamdb.New(iamdb.Manifest{}, services), nil
}

func BenchmarkLoadJSONAlternative(b *testing.B) {
	db, err := iamdb.Load(dataset.Compressed(), "")
	if err != nil {
		b.Fatal(err)
	}
	j, err := toJSON(db)
	if err != nil {
		b.Fatal(err)
	}
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<23))
	c := enc.EncodeAll(j, nil)
	enc.Close()
	for b.Loop() {
		raw, err := iamdb.Decompress(c)
		if err != nil {
			b.Fatal(err)
		}
		back, err := fromJSON(raw)
		if err != nil {
			b.Fatal(err)
		}
		if back.Manifest.Counts != db.Manifest.Counts {
			b.Fatal("JSON round trip lost data")
		}
	}
	b.ReportMetric(float64(len(c)), "file-bytes")
	b.ReportMetric(float64(len(j)), "raw-bytes")
}
