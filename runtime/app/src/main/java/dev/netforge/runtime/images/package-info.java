/**
 * The paper's ImageNet pipeline for folder-per-class image sets: decoding (JPEG through TwelveMonkeys, so CMYK,
 * YCCK and progressive files decode, with EXIF orientation applied), the 256×256 preprocessing, the mean image and
 * RGB principal components, the training augmentation (random crops, flips, PCA colour noise), 10-crop testing and
 * background loading ahead of the trainer.
 */
package dev.netforge.runtime.images;
