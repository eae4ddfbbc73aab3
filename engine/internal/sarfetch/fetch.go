// Package sarfetch downloads AWS's machine-readable Service Authorization
// Reference (the JSON index of services and one JSON file per service)
// into a cache folder, resumably, and builds a dataset from it merged
// with what that source lacks (see Merge). It is used by the native CLI's
// `initialize --fetch` and by the scheduled dataset refresh; nothing else
// in the project uses the network.
package sarfetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultIndexURL is the index of AWS's Service Authorization Reference.
const DefaultIndexURL = "https://servicereference.us-east-1.amazonaws.com/"

// Options configure a download.
type Options struct {
	// IndexURL is the index of services (default DefaultIndexURL).
	IndexURL string
	// CacheDir keeps the downloaded files between runs.
	CacheDir string
	// Client is the HTTP client (default: 60 s per request).
	Client *http.Client
	// Workers is the number of parallel downloads (default 8).
	Workers int
	// Retries is the number of extra tries of a failed request (default 3).
	Retries int
	// RetryWait is the first wait before a retry, doubled each time (default 1 s).
	RetryWait time.Duration
	// ResumeWithin: after an interrupted run that started less than this
	// long ago, the services it finished are not asked again (default 24 h).
	ResumeWithin time.Duration
	// Progress, when set, is called after each service.
	Progress func(done, total int, service string, st Status)
	// Now is the clock (tests).
	Now func() time.Time
}

// Status says how a service file was obtained.
type Status int

// The ways a service file is obtained.
const (
	// Downloaded: fetched in full.
	Downloaded Status = iota
	// NotModified: the server answered 304 to the cached ETag.
	NotModified
	// Resumed: finished by an interrupted run, not asked again.
	Resumed
)

// Entry is one service of the index.
type Entry struct {
	Service string `json:"service"`
	URL     string `json:"url"`
}

// Result is a finished download.
type Result struct {
	// Dir holds index.json and one SERVICE.json per service.
	Dir string
	// Services are the index entries, sorted by service.
	Services []Entry
	// Downloaded, NotModified and Resumed count the services by Status.
	Downloaded, NotModified, Resumed int
}

// state is the cache's state.json: whether the last run finished.
type state struct {
	Started  time.Time         `json:"started"`
	Complete bool              `json:"complete"`
	Done     map[string]bool   `json:"done"`
	ETags    map[string]string `json:"etags"`
}

var servicePattern = lazyre.New(`^[a-z0-9][a-z0-9-]*$`)

// Download fetches the index and every service file into o.CacheDir.
// A service whose cached ETag still matches is not downloaded again
// (HTTP 304); after an interrupted run (less than ResumeWithin ago) the
// services it finished are not asked again at all. The context bounds
// the whole download.
func Download(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("cache folder: %w", err)
	}
	st := o.loadState()
	resume := !st.Complete && !st.Started.IsZero() && o.Now().Sub(st.Started) < o.ResumeWithin
	if !resume {
		st.Started = o.Now()
		st.Done = map[string]bool{}
	}
	st.Complete = false
	if st.ETags == nil {
		st.ETags = map[string]string{}
	}
	if err := o.saveState(st); err != nil {
		return nil, err
	}
	body, _, err := o.get(ctx, o.IndexURL, "")
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", o.IndexURL, err)
	}
	entries, err := parseIndex(body, o.IndexURL)
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(o.CacheDir, "index.json"), body); err != nil {
		return nil, err
	}
	// Files of services no longer in the index would be imported: remove them.
	if err := pruneCache(o.CacheDir, entries); err != nil {
		return nil, err
	}
	res := &Result{Dir: o.CacheDir, Services: entries}
	var mu sync.Mutex
	done := 0
	jobs := make(chan Entry)
	errs := make(chan error, len(entries))
	var wg sync.WaitGroup
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				mu.Lock()
				skip := resume && st.Done[e.Service] && validCached(o.file(e))
				etag := st.ETags[e.Service]
				mu.Unlock()
				status := Resumed
				if !skip {
					if !validCached(o.file(e)) {
						etag = ""
					}
					b, newTag, err := o.get(ctx, e.URL, etag)
					if err != nil {
						errs <- fmt.Errorf("service %s (%s): %w", e.Service, e.URL, err)
						continue
					}
					status = NotModified
					if b != nil {
						status = Downloaded
						if !json.Valid(b) {
							errs <- fmt.Errorf("service %s (%s): the response is not JSON", e.Service, e.URL)
							continue
						}
						if err := writeFile(o.file(e), b); err != nil {
							errs <- err
							continue
						}
					}
					mu.Lock()
					if newTag != "" {
						st.ETags[e.Service] = newTag
					} else if b != nil {
						delete(st.ETags, e.Service)
					}
					mu.Unlock()
				}
				mu.Lock()
				st.Done[e.Service] = true
				done++
				switch status {
				case Downloaded:
					res.Downloaded++
				case NotModified:
					res.NotModified++
				case Resumed:
					res.Resumed++
				}
				n := done
				if n%25 == 0 {
					_ = o.saveState(st) // progress survives an interruption
				}
				mu.Unlock()
				if o.Progress != nil {
					o.Progress(n, len(entries), e.Service, status)
				}
			}
		}()
	}
feed:
	for _, e := range entries {
		select {
		case jobs <- e:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	mu.Lock()
	saveErr := o.saveState(st)
	mu.Unlock()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("stopped after %d of %d services (%w); run again to resume", done, len(entries), ctx.Err())
	}
	if len(all) > 0 {
		sort.Slice(all, func(i, j int) bool { return all[i].Error() < all[j].Error() })
		return nil, fmt.Errorf("%d of %d services failed (run again to resume): %w", len(all), len(entries), errors.Join(all...))
	}
	if saveErr != nil {
		return nil, saveErr
	}
	st.Complete = true
	if err := o.saveState(st); err != nil {
		return nil, err
	}
	return res, nil
}

func (o *Options) defaults() {
	if o.IndexURL == "" {
		o.IndexURL = DefaultIndexURL
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = 3
	}
	if o.RetryWait <= 0 {
		o.RetryWait = time.Second
	}
	if o.ResumeWithin <= 0 {
		o.ResumeWithin = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

func (o *Options) file(e Entry) string { return filepath.Join(o.CacheDir, e.Service+".json") }

func (o *Options) loadState() state {
	var st state
	b, err := os.ReadFile(filepath.Join(o.CacheDir, "state.json"))
	if err == nil {
		_ = json.Unmarshal(b, &st) // a damaged state only means no resume
	}
	return st
}

func (o *Options) saveState(st state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(o.CacheDir, "state.json"), b)
}

// get fetches url; with etag it asks If-None-Match and returns a nil body
// on 304. Server errors, 429 and network errors are retried with backoff.
func (o *Options) get(ctx context.Context, u, etag string) ([]byte, string, error) {
	wait := o.RetryWait
	var last error
	for try := 0; try <= o.Retries; try++ {
		if try > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return nil, "", ctx.Err()
			}
			wait *= 2
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, "", err
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := o.Client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, "", ctx.Err()
			}
			last = err
			continue
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotModified && etag != "":
			return nil, etag, nil
		case resp.StatusCode == http.StatusOK:
			if err != nil {
				last = err
				continue
			}
			return b, resp.Header.Get("ETag"), nil
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			last = fmt.Errorf("HTTP %s", resp.Status)
			continue
		default:
			return nil, "", fmt.Errorf("HTTP %s", resp.Status)
		}
	}
	return nil, "", fmt.Errorf("after %d tries: %w", o.Retries+1, last)
}

// parseIndex reads the index: [{"service": "s3", "url": "..."}, ...];
// relative URLs are resolved against the index's own.
func parseIndex(b []byte, indexURL string) ([]Entry, error) {
	var entries []Entry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("index %s: expected a JSON array of {\"service\", \"url\"}: %w", indexURL, err)
	}
	base, err := url.Parse(indexURL)
	if err != nil {
		return nil, fmt.Errorf("index URL %q: %w", indexURL, err)
	}
	seen := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		if !servicePattern.MatchString(e.Service) {
			return nil, fmt.Errorf("index %s: entry %d: %q is not a service prefix", indexURL, i, e.Service)
		}
		if seen[e.Service] {
			return nil, fmt.Errorf("index %s: service %s is listed twice", indexURL, e.Service)
		}
		seen[e.Service] = true
		u, err := url.Parse(e.URL)
		if err != nil || e.URL == "" {
			return nil, fmt.Errorf("index %s: service %s: bad url %q", indexURL, e.Service, e.URL)
		}
		r := base.ResolveReference(u)
		if r.Scheme != "http" && r.Scheme != "https" || r.Host == "" {
			return nil, fmt.Errorf("index %s: service %s: url %q is not an http or https address (relative ones resolve against the index's)", indexURL, e.Service, e.URL)
		}
		e.URL = r.String()
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("index %s lists no services", indexURL)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Service < entries[j].Service })
	return entries, nil
}

func validCached(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && json.Valid(b)
}

// pruneCache removes SERVICE.json files of services not in the index.
func pruneCache(dir string, entries []Entry) error {
	keep := map[string]bool{"index.json": true, "state.json": true}
	for _, e := range entries {
		keep[e.Service+".json"] = true
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, n := range names {
		if !keep[filepath.Base(n)] {
			if err := os.Remove(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFile writes atomically (temporary file, then rename), so that an
// interrupted run never leaves half a file.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// cacheFiles is the folder's service files, for sar.ParseDir: the cache
// holds index.json and state.json too, which the importer must skip.
func cacheFiles(dir string) (map[string][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, n := range names {
		base := filepath.Base(n)
		if base == "index.json" || base == "state.json" || strings.HasPrefix(base, ".tmp-") {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out[base] = b
	}
	return out, nil
}
