import type { PrismaClient } from '../generated/prisma/client';

export interface InstrumentInput {
  symbol: string;
  assetClass: string;
  quoteAsset: string;
}

export interface InstrumentRecord {
  id: number;
  symbol: string;
  assetClass: string;
  quoteAsset: string;
}

export class InstrumentsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the instrument on first sight; an existing symbol is returned unchanged. */
  async ensure(input: InstrumentInput): Promise<InstrumentRecord> {
    return this.prisma.instrument.upsert({
      where: { symbol: input.symbol },
      create: input,
      update: {},
      select: { id: true, symbol: true, assetClass: true, quoteAsset: true },
    });
  }

  async list(): Promise<InstrumentRecord[]> {
    return this.prisma.instrument.findMany({
      orderBy: { symbol: 'asc' },
      select: { id: true, symbol: true, assetClass: true, quoteAsset: true },
    });
  }

  async findBySymbol(symbol: string): Promise<InstrumentRecord | null> {
    return this.prisma.instrument.findUnique({
      where: { symbol },
      select: { id: true, symbol: true, assetClass: true, quoteAsset: true },
    });
  }

  async count(): Promise<number> {
    return this.prisma.instrument.count();
  }
}
