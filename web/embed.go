// Package web is the browser client: a TypeScript single-page app (web/src, built by Vite into
// web/dist by `make web`). Its built files are embedded in the mirubato binary and served by
// the API process (api/web.go).
package web

import (
	"embed"
	"io/fs"
)

// dist is the Vite build. A fresh clone has only dist/.gitkeep, so `go build` works before
// the client is built; the API then answers the client's pages with how to build it.
//
//go:embed all:dist
var dist embed.FS

// Assets returns the built client, rooted at its index.html.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil { // only for an invalid path, and "dist" is valid
		panic(err)
	}
	return sub
}
