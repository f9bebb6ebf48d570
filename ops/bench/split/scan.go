package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"math"
	"time"

	"github.com/mirubato/mirubato/internal/config"
	"github.com/mirubato/mirubato/internal/pdf"
	"github.com/mirubato/mirubato/ops/bench/benchdb"
	"github.com/mirubato/mirubato/pipelines/scores"
)

// etudes is twelve pages of piano music engraved by LilyPond (testdata/etudes.ly): a title
// with subtitle, composer, opus and dedication on page 1, dense music on every page.
//
//go:embed testdata/etudes.pdf
var etudes []byte

// scanned makes a scan of score: every page drawn at 200 dpi and saved as a JPEG of quality
// 75, as a scanner or a phone would, the images assembled into a PDF with no text.
func scanned(ctx context.Context, score []byte) ([]byte, error) {
	doc, err := pdf.Open(ctx, score, pdf.Limits{})
	if err != nil {
		return nil, err
	}
	images := make([][]byte, doc.Pages)
	err = doc.Split(ctx, 1, func(n int, page []byte) error {
		img, err := pdf.Tools{}.Render(ctx, page, 200, 0)
		if err != nil {
			return err
		}
		decoded, err := png.Decode(bytes.NewReader(img))
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := jpeg.Encode(&out, decoded, &jpeg.Options{Quality: 75}); err != nil {
			return err
		}
		images[n-1] = out.Bytes()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pdf.FromImages(ctx, images, pdf.Limits{})
}

// ocrOf is the product's OCR as configured.
func ocrOf(cfg *config.Config) *scores.OCR {
	if !cfg.OCR {
		return nil
	}
	return scores.NewOCR(cfg.OCRLanguages, cfg.OCRFirstPageLanguages, cfg.OCRTimeout, cfg.OCRMaxMemoryMB<<20)
}

// ocrPagesPerS reads every page of scan, one after the other (one core), as the text step
// does: drawn at OCR's resolution, then read by Tesseract with the languages of every page.
func ocrPagesPerS(ctx context.Context, cfg *config.Config, scan []byte) (float64, error) {
	o := ocrOf(cfg)
	if o == nil {
		return 0, errors.New("OCR is off (OCR=false)")
	}
	doc, err := pdf.Open(ctx, scan, pdf.Limits{})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	err = doc.Split(ctx, 1, func(_ int, page []byte) error {
		img, err := pdf.Tools{}.RenderForOCR(ctx, page, 3400)
		if err != nil {
			return err
		}
		_, err = o.Pages.Read(ctx, img)
		return err
	})
	if err != nil {
		return 0, err
	}
	return float64(doc.Pages) / time.Since(start).Seconds(), nil
}

// scanResult: 12 engraved pages (testdata/etudes.pdf) and the same pages as a scan; OCR
// pages per second on one core, and upload to ready of both versions.
type scanResult struct {
	ScanPages             int     `json:"scan_pages"`
	OCRPagesPerS          float64 `json:"ocr_pages_per_s"`
	ScannedToReadyMS      float64 `json:"scanned_upload_to_ready_ms"`
	EngravedSameToReadyMS float64 `json:"same_engraved_upload_to_ready_ms"`
	ScannedTitle          string  `json:"scanned_title_read"`
	ScannedComposer       string  `json:"scanned_composer_read"`
}

func scanRun(ctx context.Context) (scanResult, error) {
	var r scanResult
	scan, err := scanned(ctx, etudes)
	if err != nil {
		return r, fmt.Errorf("making the scan: %w", err)
	}
	cfg, err := benchdb.Config()
	if err != nil {
		return r, err
	}
	rate, err := ocrPagesPerS(ctx, cfg, scan)
	if err != nil {
		return r, fmt.Errorf("ocr: %w", err)
	}
	fmt.Printf("ocr: %.2f pages/s on one core\n", rate)
	engraved, _, err := uploadToReady(ctx, etudes, "etudes.pdf")
	if err != nil {
		return r, fmt.Errorf("upload to ready (engraved): %w", err)
	}
	fmt.Printf("upload to ready (12 engraved pages): %.0f ms\n", ms(engraved))
	scanTook, sc, err := uploadToReady(ctx, scan, "scan 0001.pdf")
	if err != nil {
		return r, fmt.Errorf("upload to ready (scanned): %w", err)
	}
	fmt.Printf("upload to ready (the same 12 pages scanned): %.0f ms; read: %q by %q; notes: %q\n", ms(scanTook), sc.Title,
		sc.Composer, sc.Notes)
	return scanResult{ScanPages: 12, OCRPagesPerS: math.Round(rate*100) / 100, ScannedToReadyMS: round(ms(scanTook)),
		EngravedSameToReadyMS: round(ms(engraved)), ScannedTitle: sc.Title, ScannedComposer: sc.Composer}, nil
}

// runScan is the scanned score's run alone (-scan-only), its result the last line.
func runScan(ctx context.Context) error {
	r, err := scanRun(ctx)
	if err != nil {
		return err
	}
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}
