package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/api"
	"github.com/leastpriv/policysentry/engine/frontend/api/webdist"
	"github.com/leastpriv/policysentry/engine/frontend/site"
	"github.com/spf13/cobra"
)

func init() { register("serve", newServeCmd) }

func newServeCmd(app *App) *Command {
	var addr, siteDir string
	var cors []string
	var maxBody int64
	var quiet bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web app and the HTTP API (/api/v1) for a team.",
		Long: "Serve the web app and the HTTP API (/api/v1/policy, analyze, query/*, dataset) from one " +
			"process, with the dataset built in. The web app is embedded by `make server`; other builds " +
			"serve the API only unless --site-dir names a built dist/ folder. Request bodies over " +
			"--max-body bytes are refused (413) and never logged.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			fsys, note, err := siteFS(siteDir)
			if err != nil {
				return err
			}
			var logger *log.Logger
			if !quiet {
				logger = log.New(app.Stderr, "", log.LstdFlags)
			}
			h := newServeHandler(api.New(api.Options{DB: api.Static(db), MaxBodyBytes: maxBody, CORSOrigins: cors}), fsys, logger)
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("--addr: %w", err)
			}
			srv := &http.Server{
				Handler:           h,
				ReadHeaderTimeout: 10 * time.Second,
				ReadTimeout:       60 * time.Second,
				WriteTimeout:      60 * time.Second,
				IdleTimeout:       120 * time.Second,
				MaxHeaderBytes:    64 << 10,
				ErrorLog:          log.New(app.Stderr, "serve: ", 0),
			}
			fmt.Fprintf(app.Stderr, "%s\nserving on http://%s/ (API at /api/v1/, dataset %s %s)\n", note, ln.Addr(), db.Manifest.Package, db.Manifest.Version)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(shut); err != nil {
				// Requests still running after the grace period are cut:
				// an interrupt must stop the server.
				fmt.Fprintf(app.Stderr, "serve: requests still running after 5s were closed: %v\n", err)
				srv.Close()
			}
			if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "Address to listen on (host:port; port 0 picks a free one).")
	f.StringVar(&siteDir, "site-dir", "", "Serve the web app from this folder (a `make dist` output) instead of the embedded copy.")
	f.StringSliceVar(&cors, "cors-origin", nil, "Allow browser calls to the API from this origin (repeatable; * for any). CORS is off by default.")
	f.Int64Var(&maxBody, "max-body", api.DefaultMaxBodyBytes, "Largest request body accepted, in bytes (default 5 MB).")
	f.BoolVarP(&quiet, "quiet", "q", false, "Do not log requests (method, path, status, size, duration; never bodies).")
	return cmd
}

// siteFS picks the web app's files: --site-dir, else the embedded copy,
// else none; note says which, for the startup message.
func siteFS(dir string) (fs.FS, string, error) {
	if dir != "" {
		if _, err := os.Stat(dir + "/index.html"); err != nil {
			return nil, "", fmt.Errorf("--site-dir: %w (run make dist)", err)
		}
		return os.DirFS(dir), "web app: " + dir, nil
	}
	if f := webdist.FS(); f != nil {
		return f, "web app: embedded", nil
	}
	return nil, "web app: not embedded in this build (build with `make server`, or pass --site-dir dist); serving the API only", nil
}

// newServeHandler routes /api/ to the API and everything else to the web
// app (or a 404 that says the site is not embedded), logging each request
// without its body or query string.
func newServeHandler(apiH http.Handler, fsys fs.FS, logger *log.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/", apiH)
	if fsys != nil {
		mux.Handle("/", site.New(fsys))
	} else {
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "The web app is not embedded in this build of policy-sentry (build it with `make server`, "+
				"or run `policy-sentry serve --site-dir dist`). The API is at /api/v1/.", http.StatusNotFound)
		})
	}
	if logger == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		logger.Printf("%s %s %d %dB %s", r.Method, r.URL.Path, sw.status, sw.n, time.Since(start).Round(time.Microsecond))
	})
}

// statusWriter records the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status, n int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	n, err := s.ResponseWriter.Write(b)
	s.n += n
	return n, err
}
