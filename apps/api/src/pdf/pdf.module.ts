import { Module } from '@nestjs/common';
import { PdfArchive } from './pdf-archive';
import { PdfService } from './pdf.service';

/** The shared PDF service: one Chromium per process, templates registered by each feature. */
@Module({ providers: [PdfService, PdfArchive], exports: [PdfService, PdfArchive] })
export class PdfModule {}
