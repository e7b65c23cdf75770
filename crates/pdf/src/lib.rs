//! The seven documents an agent prints, rendered natively: a document model and a font in,
//! PDF bytes out. The font is embedded as a subset; nothing here reads a database or a clock.

mod canvas;
mod documents;
pub mod model;

use printpdf::{ParsedFont, PdfDocument, PdfSaveOptions, RawImage};

pub use documents::yen;
pub use model::{Body, Document, Issuer, ItemLine, Party, Totals};

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("font: cannot be read as TrueType/OpenType")]
    Font,
    #[error("seal: not a readable image ({0})")]
    Seal(String),
}

/// A parsed font, ready to render many documents (parsing takes a few milliseconds).
pub struct FontData {
    parsed: ParsedFont,
}

impl FontData {
    pub fn from_bytes(bytes: &[u8]) -> Result<FontData, PdfError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(PdfError::Font)?;
        Ok(FontData { parsed })
    }

    /// Whether the font has a glyph for every character of `text` (the API refuses text the
    /// bundled font cannot show rather than print blanks).
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text.chars().filter(|c| !c.is_control() && self.parsed.lookup_glyph_index(*c as u32).is_none()).collect();
        missing.dedup();
        missing
    }
}

/// A rendered document: the PDF's bytes and how many pages they hold.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Renders the document to PDF.
pub fn render(doc: &Document, font: &FontData) -> Result<Rendered, PdfError> {
    let mut pdf = PdfDocument::new(&format!("{} {}", doc.title(), doc.number));
    let id = pdf.add_font(&font.parsed);
    let seal = match &doc.issuer.seal_png {
        Some(bytes) => {
            let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(PdfError::Seal)?;
            let pixels = (image.width, image.height);
            Some(documents::Seal { id: pdf.add_image(&image), pixels })
        }
        None => None,
    };
    let font_ref = canvas::Font { parsed: &font.parsed, id };
    let pages = documents::pages(doc, &font_ref, seal.as_ref());
    let count = pages.len();
    Ok(Rendered { pdf: pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()), pages: count })
}
