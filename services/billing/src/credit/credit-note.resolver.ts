import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { RequireScopes, StaffOnly } from '@portico/kit';
import { documentParty, DocumentParty, money, Money } from '@portico/commerce';
import type { BillingContext } from '../context';
import { Invoice } from '../invoice/invoice.entity';
import { InvoiceLineInput } from '../invoice/invoice.inputs';
import { CreditApplication, CreditNote, CreditNoteLine } from './credit-note.entity';

@InputType()
export class CreateCreditNoteInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String)
  currency!: string;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => [InvoiceLineInput], {
    description: 'Lines as on an invoice; discounts are not used.',
  })
  lines!: InvoiceLineInput[];
}

@InputType()
export class ApplyCreditNoteInput {
  @Field(() => ID)
  creditNoteId!: string;

  @Field(() => ID)
  invoiceId!: string;

  @Field(() => String)
  amount!: string;
}

@ObjectType()
export class CreditNotePayload {
  @Field(() => CreditNote)
  creditNote!: CreditNote;
}

@ObjectType()
export class ApplyCreditNotePayload {
  @Field(() => CreditApplication)
  application!: CreditApplication;
}

@Resolver(() => CreditNote)
export class CreditNoteResolver {
  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The business that issued it, exactly as printed on it when it was issued (null while a draft, or when the organisation profile was not yet known).',
  })
  @RequireScopes('invoices:read')
  issuer(@Root() document: { issuerParty: string | null }): DocumentParty | null {
    return documentParty(document.issuerParty);
  }

  @FieldResolver(() => DocumentParty, {
    nullable: true,
    description:
      'The customer it is for, exactly as printed on it when it was issued: a later change of address does not rewrite it (null while a draft).',
  })
  @RequireScopes('invoices:read')
  recipient(@Root() document: { recipientParty: string | null }): DocumentParty | null {
    return documentParty(document.recipientParty);
  }

  @FieldResolver(() => [CreditNoteLine])
  lines(@Root() note: CreditNote, @Ctx() ctx: BillingContext): Promise<CreditNoteLine[]> {
    return ctx.loaders.creditNoteLines.load(note.id);
  }

  @FieldResolver(() => Money)
  total(@Root() note: CreditNote): Money {
    return money(note.totalMinor, note.currency);
  }

  @FieldResolver(() => Money)
  tax(@Root() note: CreditNote): Money {
    return money(note.taxMinor, note.currency);
  }

  @FieldResolver(() => Money, { description: 'Applied to invoices so far.' })
  applied(@Root() note: CreditNote): Money {
    return money(note.appliedMinor, note.currency);
  }

  @FieldResolver(() => Money, { description: 'Credit still available.' })
  remaining(@Root() note: CreditNote): Money {
    return money(note.totalMinor - note.appliedMinor, note.currency);
  }

  @FieldResolver(() => [CreditApplication], { description: 'Where the credit was applied.' })
  applications(@Root() note: CreditNote, @Ctx() ctx: BillingContext): Promise<CreditApplication[]> {
    return ctx.loaders.creditApplicationsByNote.load(note.id);
  }

  @Mutation(() => CreditNotePayload, { description: 'Staff: issue a credit note to a customer.' })
  @StaffOnly('accountant')
  async createCreditNote(
    @Arg('input', () => CreateCreditNoteInput) input: CreateCreditNoteInput,
    @Ctx() ctx: BillingContext,
  ): Promise<CreditNotePayload> {
    return { creditNote: await ctx.services.credits.create(input) };
  }

  @Mutation(() => ApplyCreditNotePayload, {
    description: 'Staff: apply credit to an open invoice.',
  })
  @StaffOnly('accountant')
  async applyCreditNote(
    @Arg('input', () => ApplyCreditNoteInput) input: ApplyCreditNoteInput,
    @Ctx() ctx: BillingContext,
  ): Promise<ApplyCreditNotePayload> {
    return { application: await ctx.services.credits.apply(input) };
  }
}

@Resolver(() => CreditNoteLine)
export class CreditNoteLineResolver {
  @FieldResolver(() => Money)
  async total(@Root() line: CreditNoteLine, @Ctx() ctx: BillingContext): Promise<Money> {
    const note = await ctx.loaders.creditNote.load(line.creditNoteId);
    return money(line.totalMinor, note?.currency ?? 'XXX');
  }
}

@Resolver(() => CreditApplication)
export class CreditApplicationResolver {
  @FieldResolver(() => Invoice, { nullable: true })
  invoice(
    @Root() application: CreditApplication,
    @Ctx() ctx: BillingContext,
  ): Promise<Invoice | null> {
    return ctx.loaders.invoice.load(application.invoiceId);
  }

  @FieldResolver(() => CreditNote, { nullable: true })
  creditNote(
    @Root() application: CreditApplication,
    @Ctx() ctx: BillingContext,
  ): Promise<CreditNote | null> {
    return ctx.loaders.creditNote.load(application.creditNoteId);
  }

  @FieldResolver(() => Money)
  async amount(@Root() application: CreditApplication, @Ctx() ctx: BillingContext): Promise<Money> {
    const note = await ctx.loaders.creditNote.load(application.creditNoteId);
    return money(application.amountMinor, note?.currency ?? 'XXX');
  }
}
