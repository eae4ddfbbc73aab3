package isolate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// echo answers with the request's method, URI, host, one header and body.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	if r.URL.Path == "/panic" {
		panic("boom")
	}
	if r.URL.Path == "/teapot" {
		w.WriteHeader(http.StatusTeapot)
		w.WriteHeader(http.StatusOK) // ignored, as net/http does
	}
	w.Header().Add("X-B", "2")
	w.Header().Add("X-A", "1")
	w.Header().Add("X-A", "0")
	fmt.Fprintf(w, "%s %s %s %s %s %s", r.Method, r.RequestURI, r.Host, r.Header.Get("X-In"), r.RemoteAddr, b)
})

func TestDo(t *testing.T) {
	cases := []struct {
		name string
		req  Request
		want Response
	}{
		{"get", Request{Method: "GET", URL: "https://w.example/api/v1/x?a=1", Header: [][2]string{{"X-In", "v"}, {"CF-Connecting-IP", "192.0.2.1"}}},
			Response{200, [][2]string{{"X-A", "1"}, {"X-A", "0"}, {"X-B", "2"}}, []byte("GET /api/v1/x?a=1 w.example v 192.0.2.1 ")}},
		{"post body", Request{Method: "POST", URL: "https://w.example/p", Body: []byte("é{}")},
			Response{200, [][2]string{{"X-A", "1"}, {"X-A", "0"}, {"X-B", "2"}}, []byte("POST /p w.example   é{}")}},
		{"status kept", Request{Method: "GET", URL: "https://w.example/teapot"},
			Response{418, [][2]string{{"X-A", "1"}, {"X-A", "0"}, {"X-B", "2"}}, []byte("GET /teapot w.example   ")}},
		{"no write", Request{Method: "GET", URL: "https://w.example/none"}, Response{Status: 200}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := echo
			if c.name == "no write" {
				h = func(http.ResponseWriter, *http.Request) {}
			}
			got, err := Do(context.Background(), h, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != c.want.Status || !reflect.DeepEqual(got.Header, c.want.Header) || string(got.Body) != string(c.want.Body) {
				t.Errorf("got %d %q %q, want %d %q %q", got.Status, got.Header, got.Body, c.want.Status, c.want.Header, c.want.Body)
			}
		})
	}
}

func TestDoErrors(t *testing.T) {
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{Method: "GET", URL: "https://w.example/panic"}, "handler panic on GET /panic: boom"},
		{Request{Method: "BAD METHOD", URL: "https://w.example/"}, `request BAD METHOD "https://w.example/"`},
		{Request{Method: "GET", URL: "://nope"}, `request GET "://nope"`},
	} {
		_, err := Do(context.Background(), echo, c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: error %v, want it to contain %q", c.req.Method, c.req.URL, err, c.want)
		}
	}
}

// TestDoConcurrent runs overlapping requests through one handler (run
// with -race): each gets its own answer.
func TestDoConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprint(i)
			res, err := Do(context.Background(), echo, Request{Method: "POST", URL: "https://w.example/c", Body: []byte(body)})
			if err != nil || !strings.HasSuffix(string(res.Body), " "+body) {
				t.Errorf("request %d: %v %q", i, err, res.Body)
			}
		}()
	}
	wg.Wait()
}
