package pdf

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg" // decoders for DecodeConfig
	_ "image/png"
	"io"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// MaxImagePixels bounds each page image (a decompression bomb claims a huge size in a
// small file): 100 megapixels, more than a 600 dpi scan of an A3 page.
const MaxImagePixels = 100_000_000

// MaxDecodedImageBytes bounds the memory one page image takes once decoded.
const MaxDecodedImageBytes = 512 << 20

func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	default: // RGBA, NRGBA, YCbCr, CMYK, palettes (expanded to colour)
		return 4
	}
}

// FromImages assembles PNG or JPEG page images, in order, into one PDF, an image per A4
// page. The images are checked (type, pixel count, page count) before any is decoded, and
// the assembly stops at lim.Timeout. Every refusal is a *Refused.
func FromImages(ctx context.Context, images [][]byte, lim Limits) ([]byte, error) {
	files := make([]*io.SectionReader, len(images))
	for i, img := range images {
		files[i] = io.NewSectionReader(bytes.NewReader(img), 0, int64(len(img)))
	}
	return FromImageFiles(ctx, files, lim)
}

// FromImageFiles is FromImages for images read where they are (files on disk: an upload's
// images are never read whole into memory before their turn to be assembled).
func FromImageFiles(ctx context.Context, images []*io.SectionReader, lim Limits) ([]byte, error) {
	if len(images) == 0 {
		return nil, refuse(nil, "send at least one page image")
	}
	if lim.MaxPages > 0 && len(images) > lim.MaxPages {
		return nil, refuse(nil, "%d page images; the limit is %d", len(images), lim.MaxPages)
	}
	var total int64
	readers := make([]io.Reader, len(images))
	for i, img := range images {
		total += img.Size()
		head := make([]byte, 8)
		n, _ := img.ReadAt(head, 0)
		head = head[:n]
		if !bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")) && !bytes.HasPrefix(head, []byte("\xff\xd8\xff")) {
			return nil, refuse(nil, "image %d is not a PNG or JPEG file", i+1)
		}
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(img, 0, img.Size()))
		if err != nil {
			return nil, refuse(err, "image %d is damaged and could not be read", i+1)
		}
		if cfg.Width < 1 || cfg.Height < 1 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
			return nil, refuse(nil, "image %d is %d×%d pixels; the limit is %d megapixels", i+1, cfg.Width, cfg.Height, MaxImagePixels/1_000_000)
		}
		// Decoded, an image takes up to 8 bytes a pixel (16-bit colour with alpha).
		if decoded := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); decoded > MaxDecodedImageBytes {
			return nil, refuse(nil, "image %d would take %s of memory once decoded; the limit is %s (use 8-bit colour or fewer pixels)",
				i+1, Size(decoded), Size(MaxDecodedImageBytes))
		}
		readers[i] = io.NewSectionReader(img, 0, img.Size())
	}
	if lim.MaxBytes > 0 && total > lim.MaxBytes {
		return nil, refuse(nil, "the images are %s together; the limit is %s", Size(total), Size(lim.MaxBytes))
	}
	if lim.Timeout <= 0 {
		lim.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	if err := lim.Gate.enter(ctx); err != nil {
		return nil, err
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer lim.Gate.leave() // when the assembly ends, which may be after the timeout
		var out bytes.Buffer
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = recovered(r)
				}
			}()
			return api.ImportImages(nil, &out, readers, api.DefaultImportConfig(), configuration())
		}()
		done <- result{out.Bytes(), err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, refuse(r.err, "the images could not be made into a PDF; one of them may be damaged")
		}
		return r.data, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, refuse(ctx.Err(), "the images could not be assembled within %s", lim.Timeout)
		}
		return nil, ctx.Err()
	}
}
