"""The networks and fitted maps: VGG16 and how it runs here, FSR-GAN, ridge, the
distilled student, the ISR baselines."""
